"""Test clients signed in as someone: plainly, or with the second factor already passed."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhiban.accounts.models import User
from zhiban.org.models import Person


def verified_client(user: User, client: Client | None = None) -> Client:
    """Signed in with the TOTP step passed (administrators, secretariat, confidential clerks need it)."""
    client = client or Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def client_for(person: Person) -> Client:
    """Signed in as the person's account (no second factor)."""
    assert person.user is not None
    client = Client()
    client.force_login(person.user)
    return client
