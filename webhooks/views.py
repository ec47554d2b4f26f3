"""/settings/webhooks/: an admin's endpoints, each with its secret, a test button and its
delivery log. Every change is a POST calling one service of webhooks.services; another contact
center's endpoints live in another schema, so they are a 404 here like unknown ids."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import ADMIN, role_required

from . import selectors, services
from .forms import EndpointForm
from .models import WebhookEndpoint

PAGE_SIZE = 25


def _endpoint(pk) -> WebhookEndpoint:
    return get_object_or_404(selectors.webhook_endpoints_list(), pk=pk)


def _saved(request, form: EndpointForm, save) -> WebhookEndpoint | None:
    """Run ``save`` with the form's data; a model rule it breaks (a taken name) lands on the form."""
    if not form.is_valid():
        return None
    try:
        return save(**form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


@role_required(ADMIN)
def webhook_list(request):
    return render(request, "webhooks/endpoint_list.html", {"endpoints": selectors.webhook_endpoints_list()})


@role_required(ADMIN)
def webhook_create(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST":
        endpoint = _saved(
            request, form, lambda **data: services.webhook_endpoint_create(**data, created_by=request.user)
        )
        if endpoint is not None:
            messages.success(request, _("Endpoint created. Give its signing secret to the receiver."))
            return redirect("webhook_detail", pk=endpoint.pk)
    status = 400 if form.is_bound else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": None}, status=status)


@role_required(ADMIN)
def webhook_edit(request, pk):
    endpoint = _endpoint(pk)
    initial = {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _saved(
            request,
            form,
            lambda **data: services.webhook_endpoint_update(endpoint=endpoint, **data, by=request.user),
        )
        if saved is not None:
            messages.success(request, _("Endpoint saved."))
            return redirect("webhook_detail", pk=endpoint.pk)
        endpoint.refresh_from_db()  # the page's title shows the stored name, not the refused one
    status = 400 if form.is_bound else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint}, status=status)


@role_required(ADMIN)
def webhook_detail(request, pk):
    endpoint = _endpoint(pk)
    page = Paginator(selectors.webhook_deliveries_of(endpoint=endpoint), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "webhooks/endpoint_detail.html", {"endpoint": endpoint, "page": page})


@role_required(ADMIN)
def webhook_delete(request, pk):
    """GET asks for confirmation (works without JavaScript); POST deletes."""
    endpoint = _endpoint(pk)
    if request.method != "POST":
        return render(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint})
    services.webhook_endpoint_delete(endpoint=endpoint, by=request.user)
    messages.success(request, _("Endpoint “%(name)s” deleted.") % {"name": endpoint.name})
    return redirect("webhook_list")


@role_required(ADMIN)
@require_POST
def webhook_secret_rotate(request, pk):
    endpoint = services.webhook_endpoint_secret_rotate(endpoint=_endpoint(pk), by=request.user)
    messages.success(
        request, _("New secret for “%(name)s”: the old one no longer signs anything.") % {"name": endpoint.name}
    )
    return redirect("webhook_detail", pk=endpoint.pk)


@role_required(ADMIN)
@require_POST
def webhook_test(request, pk):
    endpoint = _endpoint(pk)
    try:
        services.webhook_test_send(endpoint=endpoint)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Test sent: it appears in the delivery log below."))
    return redirect("webhook_detail", pk=endpoint.pk)
