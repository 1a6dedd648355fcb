"""``manage.py oidc_providers``: what an operator runs to check the OpenID set-up."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_it_checks_each_provider_and_says_what_to_register(use_provider):
    use_provider(roles_claim="groups", roles="wc-admins=admin", email_domains="example.com")
    out = StringIO()
    call_command("oidc_providers", "--base-url", "https://stock.example.com/", stdout=out)
    text = out.getvalue()
    assert "corp: Corp SSO (http://127.0.0.1:" in text
    assert (
        "register redirect URI: https://stock.example.com/accounts/oidc/corp/login/callback/"
        in text
    )
    assert "discovery: ok" in text and "device flow: provider" in text
    assert "roles from 'groups': wc-admins=admin" in text
    assert "links verified emails from: example.com" in text


def test_a_provider_that_does_not_answer_fails_the_command():
    # settings_test's "corp" has an issuer nobody answers at.
    out = StringIO()
    with pytest.raises(CommandError, match="Not answering: corp"):
        call_command("oidc_providers", stdout=out)
    assert "not answering" in out.getvalue()
