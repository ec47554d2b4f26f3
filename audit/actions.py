"""Every action the audit log knows: a dotted slug, "<object>.<verb>".

Not the column's ``choices`` (adding an action needs no migration), but audit_record refuses
an action missing here, so a typo never hides a change from the filters.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    USER_CREATE = "user.create", _("User created")
    USER_ROLE_CHANGE = "user.role_change", _("Role changed")
    USER_DEACTIVATE = "user.deactivate", _("User deactivated")
    USER_REACTIVATE = "user.reactivate", _("User reactivated")
    MANAGER_TEAMS_SET = "manager.teams_set", _("Manager's teams set")
    TEAM_CREATE = "team.create", _("Team created")
    TEAM_UPDATE = "team.update", _("Team renamed or its managers changed")
    AGENT_UPDATE = "agent.update", _("Agent renamed")
    AGENT_MOVE = "agent.move", _("Agent moved to another team")
    APIKEY_CREATE = "apikey.create", _("API key created")
    APIKEY_REVOKE = "apikey.revoke", _("API key revoked")
    WEBHOOK_CREATE = "webhook.create", _("Webhook endpoint created")
    WEBHOOK_UPDATE = "webhook.update", _("Webhook endpoint changed")
    WEBHOOK_DELETE = "webhook.delete", _("Webhook endpoint deleted")
    WEBHOOK_SECRET_ROTATE = "webhook.secret_rotate", _("Webhook signing secret rotated")
    COACHING_NOTE_EDIT = "coaching_note.edit", _("Coaching notes edited")
    SETTINGS_CHANGE = "settings.change", _("KPI settings changed")
    TARGET_SET = "target.set", _("KPI target set")
    TARGET_RETIRE = "target.retire", _("KPI target retired")
    EXCLUSION_CREATE = "exclusion.create", _("Contact left out of the KPIs")
    EXCLUSION_REMOVE = "exclusion.remove", _("Contact counted again")
    IMPORT_RUN = "import.run", _("Import run")
    SURVEY_RESPONSE_OVERWRITE = "survey_response.overwrite", _("Customer's survey answer overwritten by an import")
    QA_EVALUATION_SUBMIT = "qa.evaluation_submit", _("QA evaluation submitted")
    QA_EVALUATION_ACKNOWLEDGE = "qa.evaluation_acknowledge", _("QA evaluation acknowledged")
    QA_DISPUTE_RAISE = "qa.dispute_raise", _("QA answer disputed")
    QA_DISPUTE_DECIDE = "qa.dispute_decide", _("QA dispute decided")
    ALERT_RULE_CREATE = "alert_rule.create", _("Alert rule created")
    ALERT_RULE_UPDATE = "alert_rule.update", _("Alert rule changed")
    ALERT_RULE_DELETE = "alert_rule.delete", _("Alert rule deleted")
    KIOSK_CREATE = "kiosk.create", _("Kiosk wallboard created")
    KIOSK_REVOKE = "kiosk.revoke", _("Kiosk wallboard revoked")
    KUDOS_GIVE = "kudos.give", _("Kudos given")
    REPORT_SUBSCRIPTION_CREATE = "report_subscription.create", _("Report subscription added")
    REPORT_SUBSCRIPTION_DELETE = "report_subscription.delete", _("Report subscription removed")
    # The platform's log (public schema); suspend and resume also go to the center's own log.
    TENANT_SUSPEND = "tenant.suspend", _("Contact center suspended")
    TENANT_RESUME = "tenant.resume", _("Contact center resumed")
    TENANT_DELETE = "tenant.delete", _("Contact center deleted")
