from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from common.i18n import recipient_language
from tenants.current import current_tenant


def invitation_send(*, request, user) -> None:
    """Invitations reuse Django's reset-confirm page: a signed, expiring link to set a password.

    (PasswordResetForm skips users without a usable password, which invitees are.)
    """
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "link": request.build_absolute_uri(path), "tenant_name": current_tenant().name}
    with recipient_language(user):
        subject = render_to_string("emails/invitation-subject.txt", context).strip()
        body = render_to_string("emails/invitation-body.txt", context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
