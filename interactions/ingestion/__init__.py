"""One parser per import format. Each turns a binary stream into plain rows and errors."""

from . import amazon_connect, asterisk, canonical, survey_responses
from .intervals import parse_activity, parse_schedule

PARSERS = {
    "interactions": canonical.parse,
    "activity": parse_activity,
    "schedule": parse_schedule,
    "survey_responses": survey_responses.parse,
    "asterisk_queue_log": asterisk.parse,
    "amazon_connect_ctr": amazon_connect.parse,
}
