"""Skills and technicians as the API shows them."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Skill, Technician


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "code", "name", "requires_certification", "appliance_category"]


class TechnicianSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    skills = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Technician
        fields = [
            "id",
            "username",
            "name",
            "skills",
            "region",
            "home_latitude",
            "home_longitude",
            "active",
        ]
