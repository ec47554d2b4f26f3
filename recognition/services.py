"""Writes of recognition: giving kudos, and an agent's privacy choices for their milestones.

kudos_give(giver=mona, receiver=alice_agent, behaviour="empathy", visibility="team")
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Agent, Role, User
from audit.actions import Action
from audit.services import audit_record
from interactions.models import Interaction
from interactions.selectors import interactions_visible_to

from .models import Behaviour, Kudos, Milestone, RecognitionPreference, Visibility


def agents_to_thank(*, giver: User):
    """Whom ``giver`` may give kudos to: a manager the agents of their teams, an agent their
    teammates; never themself, and never across teams."""
    agents = Agent.objects.select_related("team").exclude(user=giver).filter(team__isnull=False)
    if giver.role == Role.MANAGER:
        return agents.filter(team__managers=giver).distinct()
    if giver.role == Role.AGENT:
        own = Agent.objects.filter(user=giver).first()
        if own is None or own.team_id is None:
            return agents.none()
        return agents.filter(team_id=own.team_id)
    return agents.none()


@transaction.atomic
def kudos_give(
    *,
    giver: User,
    receiver: Agent,
    behaviour: str = "",
    interaction: Interaction | None = None,
    message: str = "",
    visibility: str = Visibility.TEAM,
) -> Kudos:
    """A kudos from a manager of the receiver's team or a teammate, about a behaviour of the
    fixed list and/or a contact the giver can see; ValidationError otherwise."""
    if receiver.user_id is not None and receiver.user_id == giver.pk:
        raise ValidationError(_("You cannot give kudos to yourself."))
    if not agents_to_thank(giver=giver).filter(pk=receiver.pk).exists():
        raise ValidationError(_("You can give kudos to the agents of your own team only."))
    if behaviour and behaviour not in Behaviour.values:
        raise ValidationError(_("Choose a behaviour from the list."))
    if visibility not in Visibility.values:
        raise ValidationError(_("Choose who may see it."))
    if interaction is None and not behaviour:
        raise ValidationError(_("Say what it is for: a contact, a behaviour or both."))
    if interaction is not None and not interactions_visible_to(fetched_by=giver).filter(pk=interaction.pk).exists():
        raise ValidationError(_("That contact is not one you can see."))
    kudos = Kudos.objects.create(
        giver=giver,
        receiver=receiver,
        team=receiver.team,
        interaction=interaction,
        behaviour=behaviour,
        message=message.strip()[:280],
        visibility=visibility,
    )
    audit_record(
        action=Action.KUDOS_GIVE,
        obj=kudos,
        object_label=f"kudos for {receiver}",
        after={
            "receiver": receiver.acd_login,
            "behaviour": behaviour,
            "interaction": interaction.external_id if interaction else "",
            "visibility": visibility,
        },
        actor=giver,
    )
    return kudos


def milestone_privacy_set(*, milestone: Milestone, by: User, private: bool) -> Milestone:
    """Only the agent the milestone belongs to decides who sees it."""
    if milestone.agent.user_id != by.pk:
        raise ValidationError(_("Only the agent can change who sees a milestone."))
    Milestone.objects.filter(pk=milestone.pk).update(private=private)
    milestone.private = private
    return milestone


def milestones_preference_set(*, agent: Agent, by: User, private: bool) -> RecognitionPreference:
    """Every milestone of the agent private (those to come included), or each as marked."""
    if agent.user_id != by.pk:
        raise ValidationError(_("Only the agent can change who sees their milestones."))
    preference, _created = RecognitionPreference.objects.update_or_create(
        agent=agent, defaults={"milestones_private": private}
    )
    return preference
