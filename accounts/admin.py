from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from config.core.actors import Actor
from config.core.errors import ServiceError

from . import services
from .models import ApiToken, DeviceAuthorization, OidcIdentity, User
from .oidc import providers
from .oidc import services as services_oidc

# What a person may do in Warecache is their role (config.core.roles); Django's groups are
# not used, so the admin does not offer them. (Per-user admin permissions stay on the user
# form: the admin itself reads them for staff who are not superusers.)
admin.site.unregister(Group)


class WarecacheUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        try:
            services.user_check_admin_change(
                user=self.instance,
                role=cleaned.get("role", self.instance.role),
                is_active=cleaned.get("is_active", self.instance.is_active),
                is_superuser=cleaned.get("is_superuser", self.instance.is_superuser),
            )
        except ServiceError as exc:
            raise ValidationError(exc.detail) from exc
        return cleaned


def _without_groups(fieldsets):
    return tuple(
        (name, {**options, "fields": tuple(f for f in options["fields"] if f != "groups")})
        for name, options in fieldsets
    )


@admin.register(User)
class WarecacheUserAdmin(UserAdmin):
    form = WarecacheUserChangeForm
    list_display = (*UserAdmin.list_display, "role")
    list_filter = ("role", *(f for f in UserAdmin.list_filter if f != "groups"))
    fieldsets = (
        *_without_groups(UserAdmin.fieldsets),
        ("Warecache", {"fields": ("role",)}),
    )
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Warecache", {"fields": ("role",)}))

    def save_model(self, request, obj, form, change) -> None:
        # Through the service so that admin edits reach the changelog like API edits do.
        services.user_save_from_admin(
            actor=Actor.for_user(request.user), user=obj, created=not change
        )


TOKEN_TIMES = ("created_at", "expires_at", "last_used_at", "revoked_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created on the account page or through the API, where the secret can be shown
    once; here staff can only look, change the expiry, and revoke."""

    list_display = ("label", "user", "hint", *TOKEN_TIMES)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "expires_at", "created_at")
    list_select_related = ("user",)
    search_fields = ("label", "user__username", "hint")
    ordering = ("-created_at",)
    # token_hash is left out entirely, not even read-only: a hash of a high-entropy secret is
    # not reversible, but it is a credential lookup key and nobody needs to see it.
    fields = list_display
    exclude = ("token_hash",)
    # Staff may shorten a token's life or end it; everything else is history.
    readonly_fields = ("label", "user", "hint", "created_at", "last_used_at")
    actions = ("revoke_selected",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_selected(self, request, queryset) -> None:
        # Through the service, one token at a time, so each revocation is in the changelog.
        actor = Actor.for_user(request.user)
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            try:
                services.api_token_revoke(actor=actor, user=token.user, label=token.label)
            except ServiceError as exc:
                self.message_user(request, exc.detail, messages.WARNING)
            else:
                revoked += 1
        skipped = queryset.count() - revoked
        text = f"Revoked {revoked} token(s)."
        if skipped:
            text += f" {skipped} already revoked or not revocable."
        self.message_user(request, text, messages.SUCCESS)


# django-allauth only runs the browser's OpenID login; Warecache keeps identities itself
# (OidcIdentity) and providers in settings, so allauth's tables stay empty and unlisted.
for model in (EmailAddress, SocialAccount, SocialApp, SocialToken):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class IdentityLinkForm(forms.ModelForm):
    provider = forms.ChoiceField(help_text="A provider of OIDC_PROVIDERS.")

    class Meta:
        model = OidcIdentity
        fields = ("user", "provider", "subject", "email")
        help_texts = {"subject": "The person's account id at the provider (the `sub` claim)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p.id, p.name) for p in providers.configured()]

    def validate_unique(self) -> None:
        # The service's check (clean) says it in words; the constraint stays the backstop.
        pass

    def clean(self):
        cleaned = super().clean()
        if "provider" in cleaned and "subject" in cleaned:
            try:
                cleaned["subject"] = services_oidc.check_linkable(
                    providers.get(cleaned["provider"]), cleaned["subject"]
                )
            except ServiceError as exc:
                raise ValidationError(exc.detail) from exc
        return cleaned


@admin.register(OidcIdentity)
class OidcIdentityAdmin(admin.ModelAdmin):
    """Staff link an identity to an account (the service refuses one linked elsewhere) and
    unlink it (never a user's last way to sign in); a link itself is never edited."""

    form = IdentityLinkForm
    list_display = ("user", "provider", "email", "subject", "linked_at", "last_login_at")
    list_filter = ("provider",)
    list_select_related = ("user",)
    search_fields = ("user__username", "email", "subject")
    autocomplete_fields = ("user",)
    ordering = ("-linked_at",)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        obj.pk = services_oidc.identity_link(
            actor=Actor.for_user(request.user),
            user=form.cleaned_data["user"],
            provider=providers.get(form.cleaned_data["provider"]),
            subject=form.cleaned_data["subject"],
            email=form.cleaned_data.get("email", ""),
        ).pk

    def delete_model(self, request, obj) -> None:
        services_oidc.identity_unlink(
            actor=Actor.for_user(request.user), user=obj.user, method_id=str(obj.pk)
        )

    def delete_queryset(self, request, queryset) -> None:
        for identity in queryset.select_related("user"):
            self.delete_model(request, identity)


@admin.register(DeviceAuthorization)
class DeviceAuthorizationAdmin(admin.ModelAdmin):
    """Device sign-ins Warecache served itself: for looking only."""

    list_display = ("user_code", "provider", "status", "user", "created_at", "expires_at")
    list_filter = ("provider", "status")
    list_select_related = ("user",)
    exclude = ("device_code_hash",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
