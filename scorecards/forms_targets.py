"""Forms of the targets and KPI-settings pages. Validation lives in scorecards.targets; the
forms call it so a refusal shows next to the field (or at the top) before anything is saved."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import Team
from interactions.models import InteractionType, Queue

from .catalogue import KPIS
from .models import Direction
from .targets import SETTINGS, target_validate, targetable_kpis

DIRECTION_CHOICES = [("", _("The KPI's own (diagnostics must choose)")), *Direction.choices]
UNIT_WORDS = {
    "%": _("percent"),
    "s": _("seconds"),
    "points": _("points (-100 to 100)"),
    "score": _("score (1 to 7)"),
    "ratio": _("ratio (1 = as expected)"),
    "count": _("count"),
    "/h": _("contacts per hour"),
    "currency": _("currency units"),
    "hour": _("hour of day"),
}


def kpi_choices() -> list:
    groups: dict[StrOrPromise, list[tuple[str, str]]] = {
        _("North star"): [],
        _("Other KPIs"): [],
        _("Diagnostics (per interaction type, paired)"): [],
    }
    for kpi in targetable_kpis():
        group = (
            _("North star")
            if kpi.north_star
            else _("Diagnostics (per interaction type, paired)")
            if kpi.diagnostic
            else _("Other KPIs")
        )
        groups[group].append((kpi.code, kpi.label))
    return [("", _("Choose a KPI")), *groups.items()]


class BandsForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTION_CHOICES, required=False)
    green = forms.FloatField(label=_("Green at"), help_text=_("At this value or better: green."))
    amber = forms.FloatField(label=_("Amber at"), help_text=_("Between amber and green: amber; worse than amber: red."))

    def scope(self) -> dict:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        scope = self.scope()
        if scope.get("kpi") and data.get("green") is not None and data.get("amber") is not None:
            try:
                target_validate(
                    **scope, direction=data.get("direction") or None, green=data["green"], amber=data["amber"]
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class TargetForm(BandsForm):
    kpi = forms.ChoiceField(label=_("KPI"), choices=kpi_choices)
    team = forms.ModelChoiceField(Team.objects.all(), required=False, empty_label=_("Every team"))
    queue = forms.ModelChoiceField(Queue.objects.all(), required=False, empty_label=_("Every queue"))
    interaction_type = forms.ModelChoiceField(
        InteractionType.objects.all(), required=False, empty_label=_("Every interaction type")
    )
    effective_from = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["kpi", "team", "queue", "interaction_type", "direction", "green", "amber", "effective_from"]

    def scope(self) -> dict:
        data = self.cleaned_data
        return {
            "kpi": data.get("kpi"),
            "team": data.get("team"),
            "queue": data.get("queue"),
            "interaction_type": data.get("interaction_type"),
        }


class TargetBandsForm(BandsForm):
    """Changing an existing target: its KPI, scope and start date stay (a new start date is a
    new target, so the old bands stay in force until then)."""

    def __init__(self, *args, target, **kwargs):
        self.target = target
        kwargs.setdefault(
            "initial", {"direction": target.direction, "green": f"{target.green:g}", "amber": f"{target.amber:g}"}
        )
        super().__init__(*args, **kwargs)

    def scope(self) -> dict:
        t = self.target
        return {"kpi": t.kpi, "team": t.team, "queue": t.queue, "interaction_type": t.interaction_type}


class RealismForm(forms.Form):
    """Query of the realism check (GET): the target being typed."""

    kpi = forms.ChoiceField(choices=[(code, code) for code in KPIS])
    green = forms.FloatField()
    amber = forms.FloatField(required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTION_CHOICES, required=False)
    team = forms.ModelChoiceField(Team.objects.all(), required=False)

    def clean(self):
        data = super().clean()
        kpi = KPIS.get(data.get("kpi") or "")
        if kpi is not None:
            data["direction"] = data.get("direction") or kpi.better
            if not data["direction"]:
                self.add_error("direction", _("Choose a direction to see how many agents met this target."))
        return data


class KpiSettingsForm(forms.Form):
    service_level_seconds = forms.IntegerField(
        min_value=1, label=SETTINGS["service_level_seconds"], help_text=_('T of "answered within T seconds".')
    )
    service_level_inclusive = forms.TypedChoiceField(
        label=_("A wait of exactly T seconds"),
        coerce=lambda v: v == "True",
        choices=[(True, _("counts as within (wait ≤ T)")), (False, _("does not count (wait < T)"))],
        widget=forms.RadioSelect,
    )
    service_level_target_pct = forms.DecimalField(
        min_value=0,
        max_value=100,
        decimal_places=2,
        label=SETTINGS["service_level_target_pct"],
        help_text=_('The 80 of "80/20".'),
    )
    short_abandon_seconds = forms.IntegerField(
        min_value=0,
        label=SETTINGS["short_abandon_seconds"],
        help_text=_("Abandons with a shorter wait are left out of abandonment and service level."),
    )
    repeat_window_days = forms.IntegerField(
        min_value=1,
        label=SETTINGS["repeat_window_days"],
        help_text=_("A contact is a repeat if the same customer had a handled contact this many days before."),
    )
    min_sample = forms.IntegerField(
        min_value=1,
        label=SETTINGS["min_sample"],
        help_text=_('Below this many contacts a KPI shows "insufficient data" and is never ranked.'),
    )
    cost_per_paid_hour = forms.DecimalField(
        min_value=0,
        decimal_places=2,
        max_digits=10,
        label=SETTINGS["cost_per_paid_hour"],
        help_text=_("Used for cost per contact when the data carries no explicit cost."),
    )
    cost_per_contact_minute = forms.DecimalField(
        min_value=0, decimal_places=4, max_digits=10, label=SETTINGS["cost_per_contact_minute"]
    )

    @classmethod
    def for_tenant(cls, tenant, data=None):
        return cls(data, initial={name: getattr(tenant, name) for name in SETTINGS})
