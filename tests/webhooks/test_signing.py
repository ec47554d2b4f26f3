"""The signature a receiver checks (pure): the exact body, the secret, a recent timestamp."""

import hashlib
import hmac

from webhooks.signing import secret_new, signature_header, verify

SECRET = "whsec_test-secret"
BODY = b'{"text":"hello","event":"webhook.test"}'
T = 1_767_261_600


def test_a_signed_body_verifies_and_the_header_is_documented_hmac():
    header = signature_header(SECRET, T, BODY)
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={T},v1={expected}"
    assert verify(SECRET, header, BODY, now=T + 10)


def test_a_tampered_body_another_secret_or_a_garbled_header_do_not_verify():
    header = signature_header(SECRET, T, BODY)
    assert not verify(SECRET, header, BODY.replace(b"hello", b"hellO"), now=T)
    assert not verify("whsec_other", header, BODY, now=T)
    assert not verify(SECRET, header.replace(f"t={T}", f"t={T + 1}"), BODY, now=T)
    for garbled in ("", "v1=abc", f"t={T}", f"t=abc,v1={header.split('v1=')[1]}"):
        assert not verify(SECRET, garbled, BODY, now=T)


def test_the_replay_window_is_five_minutes_either_way():
    header = signature_header(SECRET, T, BODY)
    assert verify(SECRET, header, BODY, now=T + 300)
    assert not verify(SECRET, header, BODY, now=T + 301)
    assert not verify(SECRET, header, BODY, now=T - 301)
    assert verify(SECRET, header, BODY, now=T + 1000, tolerance=1000)


def test_any_of_several_v1_signatures_may_match():
    good = signature_header(SECRET, T, BODY).split(",")[1]
    assert verify(SECRET, f"t={T},v1={'0' * 64},{good}", BODY, now=T)


def test_secrets_are_random_and_long():
    one, two = secret_new(), secret_new()
    assert one != two and one.startswith("whsec_") and len(one) >= 6 + 43
