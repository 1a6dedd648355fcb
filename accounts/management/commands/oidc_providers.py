from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.oidc import providers


class Command(BaseCommand):
    help = (
        "List the configured OpenID providers (OIDC_PROVIDERS), ask each for its discovery "
        "document, and say what to register at it. Exits 1 when one does not answer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="https://<your host>",
            help="This server's address, for the redirect URIs to register at the provider.",
        )

    def handle(self, *args, base_url, **options):
        configured = providers.configured()
        if not configured:
            self.stdout.write("No OpenID providers: set OIDC_PROVIDERS (see the README).")
            return
        failed = []
        for provider in configured:
            self.stdout.write(f"{provider.id}: {provider.name} ({provider.issuer})")
            callback = reverse("openid_connect_callback", kwargs={"provider_id": provider.id})
            self.stdout.write(f"  register redirect URI: {base_url.rstrip('/')}{callback}")
            for uri in provider.redirect_uris:
                self.stdout.write(f"  register redirect URI (API clients): {uri}")
            try:
                document = providers.discovery(provider)
                served_by = providers.device_flow_served_by(provider)
            except providers.ProviderUnavailable as exc:
                failed.append(provider.id)
                self.stdout.write(self.style.ERROR(f"  not answering: {exc.detail}"))
                continue
            self.stdout.write(self.style.SUCCESS("  discovery: ok"))
            self.stdout.write(f"  token endpoint: {document['token_endpoint']}")
            self.stdout.write(f"  device flow: {served_by or 'off'}")
            if provider.roles_claim:
                mapping = ", ".join(f"{k}={v}" for k, v in provider.roles.items())
                self.stdout.write(f"  roles from {provider.roles_claim!r}: {mapping}")
            if provider.email_domains:
                create = " (and creates accounts)" if provider.create_users else ""
                domains = ", ".join(sorted(provider.email_domains))
                self.stdout.write(f"  links verified emails from: {domains}{create}")
        if failed:
            raise CommandError(f"Not answering: {', '.join(failed)}.")
