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
