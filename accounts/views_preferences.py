"""A user's own preferences: for now the language of their pages and emails."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from common.access import ADMIN, AGENT, MANAGER, role_required

from . import services
from .forms import PreferencesForm


@role_required(ADMIN, MANAGER, AGENT)
def account_preferences(request):
    form = PreferencesForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        services.user_language_set(user=request.user, language=form.cleaned_data["language"])
        # the confirmation already speaks the new language ("" falls back to the browser's)
        translation.activate(form.cleaned_data["language"] or translation.get_language_from_request(request))
        messages.success(request, _("Preferences saved."))
        return redirect("account_preferences")
    return render(request, "accounts/preferences.html", {"form": form})
