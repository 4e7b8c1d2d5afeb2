from __future__ import annotations

from rest_framework import serializers

from core.serializers import StrictInputSerializer


class UserOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    email = serializers.EmailField()
    name = serializers.CharField()
    date_joined = serializers.DateTimeField()


class TokenPairOutputSerializer(serializers.Serializer):
    token_type = serializers.CharField(default="Bearer")
    access = serializers.CharField()
    refresh = serializers.CharField()
    access_expires_at = serializers.DateTimeField()
    refresh_expires_at = serializers.DateTimeField()


class AuthSessionOutputSerializer(TokenPairOutputSerializer):
    user = UserOutputSerializer()


class RegisterInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class LoginInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class RefreshInputSerializer(StrictInputSerializer):
    refresh = serializers.CharField(max_length=2048)


class LogoutInputSerializer(StrictInputSerializer):
    refresh = serializers.CharField(max_length=2048)


class PasswordResetInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInputSerializer(StrictInputSerializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class AcceptedOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SessionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    last_refreshed_at = serializers.DateTimeField()
    current = serializers.SerializerMethodField()

    def get_current(self, family: object) -> bool:
        return str(getattr(family, "id", "")) == self.context.get("current_family_id")


class GoogleSignInInputSerializer(StrictInputSerializer):
    """A Google ID token obtained by the app."""

    id_token = serializers.CharField(max_length=4096, help_text="The Google ID token (a JWT).")


class AppleSignInInputSerializer(StrictInputSerializer):
    """A Sign in with Apple identity token, its raw nonce and, the first time, the name."""

    identity_token = serializers.CharField(
        max_length=4096, help_text="The identity token from Sign in with Apple (a JWT)."
    )
    nonce = serializers.CharField(
        max_length=256,
        help_text="The raw nonce; the app gave Apple its SHA-256 hex digest. Single use.",
    )
    first_name = serializers.CharField(
        max_length=75,
        required=False,
        allow_blank=True,
        default="",
        help_text="Apple gives the name to the app on the first authorization only.",
    )
    last_name = serializers.CharField(max_length=75, required=False, allow_blank=True, default="")


class SocialSignInOutputSerializer(AuthSessionOutputSerializer):
    """The same session as a password login, and whether the account was just created."""

    created = serializers.BooleanField(help_text="True when this sign-in created the account.")
