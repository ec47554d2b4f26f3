import secrets

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import platform_staff_create, platform_staff_totp_reset


class Command(BaseCommand):
    help = (
        "Create a platform staff member (the /admin/ superuser) with a TOTP device and print the "
        "otpauth:// URI once; --new-device replaces an existing member's device instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", help="required when creating")
        parser.add_argument("--password", help="default: a random one, printed once")
        parser.add_argument("--new-device", action="store_true", help="replace the TOTP device of existing staff")

    def handle(self, *args, **opts):
        if opts["new_device"]:
            try:
                uri = platform_staff_totp_reset(username=opts["username"])
            except ObjectDoesNotExist as exc:
                raise CommandError(f"no platform staff member {opts['username']!r}") from exc
            self._print_uri(uri)
            return
        if not opts["email"]:
            raise CommandError("--email is required when creating platform staff")
        password = opts["password"] or secrets.token_urlsafe(18)
        try:
            user, uri = platform_staff_create(username=opts["username"], email=opts["email"], password=password)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Created platform staff {user.username}.")
        if not opts["password"]:
            self.stdout.write(f"Password (shown once): {password}")
        self._print_uri(uri)

    def _print_uri(self, uri: str) -> None:
        self.stdout.write("Add this to an authenticator app (shown once; it is the second factor):")
        self.stdout.write(uri)
