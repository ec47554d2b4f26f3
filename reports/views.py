"""/settings/reports/: report subscriptions (list, add, remove) and the latest report emails.
Admins see and manage everyone's; managers only their own. Thin: services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.access import ADMIN, MANAGER, role_required

from .forms import SubscriptionForm
from .selectors import report_deliveries_visible_to, subscriptions_visible_to
from .services import report_subscription_create, report_subscription_delete
from .tasks import REPORT_HOUR

PAGE_SIZE = 50


@role_required(ADMIN, MANAGER)
@require_http_methods(["GET", "POST"])
def report_subscriptions(request):
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_subscription_create(
                recipient=data.get("recipient") or request.user,
                cadence=data["cadence"],
                scope=data["scope"],
                team=data["team"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Subscription added."))
            return redirect("report_subscriptions")
    page = Paginator(subscriptions_visible_to(fetched_by=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/subscriptions.html",
        {
            "form": form,
            "page": page,
            "deliveries": report_deliveries_visible_to(fetched_by=request.user),
            "report_hour": f"{REPORT_HOUR:02d}:00",
            "admin": request.user.role == ADMIN,
        },
    )


@role_required(ADMIN, MANAGER)
@require_http_methods(["GET", "POST"])
def report_subscription_remove(request, pk: int):
    subscription = get_object_or_404(subscriptions_visible_to(fetched_by=request.user), pk=pk)
    if request.method == "POST":
        report_subscription_delete(subscription=subscription, by=request.user)
        messages.success(request, _("Subscription removed: no more reports of it are sent."))
        return redirect("report_subscriptions")
    return render(request, "reports/subscription_remove.html", {"subscription": subscription})
