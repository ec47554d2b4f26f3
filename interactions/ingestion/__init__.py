"""One parser per import format. Each turns a binary stream into plain rows and errors."""

from . import amazon_connect, asterisk, survey_responses
from .columnar import parse_interactions
from .intervals import parse_activity, parse_schedule

PARSERS = {
    "interactions": parse_interactions,
    "activity": parse_activity,
    "schedule": parse_schedule,
    "survey_responses": survey_responses.parse,
    "asterisk_queue_log": asterisk.parse,
    "amazon_connect_ctr": amazon_connect.parse,
}
