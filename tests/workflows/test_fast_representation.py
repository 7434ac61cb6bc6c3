"""The serializers' short reading (`workflows.api_serializers._FastRepresentation`)
gives DRF's answer in every case DRF distinguishes. (The suite's conftest also compares
the two on every answer of the API tests.)"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from rest_framework import serializers

from workflows import api_serializers
from workflows.api_serializers import ModelSerializer, Serializer
from workflows.models import Division


def drf(serializer, instance):
    return super(api_serializers._FastRepresentation, serializer).to_representation(instance)


class Inner(Serializer):
    n = serializers.IntegerField()


class Everything(Serializer):
    text = serializers.CharField()
    number = serializers.IntegerField()
    flag = serializers.BooleanField()
    day = serializers.DateField()
    at = serializers.DateTimeField()
    whole = serializers.CharField(source="*")
    dotted = serializers.IntegerField(source="inner.n")
    method = serializers.SerializerMethodField()
    called = serializers.CharField(source="shout")
    missing_default = serializers.CharField(default="mặc định")
    missing_null = serializers.CharField(allow_null=True)
    missing_optional = serializers.CharField(required=False)
    nested = Inner()
    nested_list = Inner(many=True)
    texts = serializers.ListField(child=serializers.CharField())
    email = serializers.EmailField()
    secret = serializers.CharField(write_only=True)

    def get_method(self, obj) -> str:
        return f"m:{obj['text'] if isinstance(obj, dict) else obj.text}"


class Thing(SimpleNamespace):
    def shout(self):
        return str(self.text).upper()

    def __str__(self):
        return f"Thing {self.text}"


def _thing(**over):
    values = {
        "text": "Sơn La",
        "number": 7,
        "flag": True,
        "day": date(2024, 2, 5),
        "at": datetime(2024, 2, 5, 9, 30),
        "inner": SimpleNamespace(n=3),
        "nested": SimpleNamespace(n=4),
        "nested_list": [SimpleNamespace(n=1), SimpleNamespace(n=2)],
        "texts": ["a", 1],
        "email": "a@example.vn",
    }
    values.update(over)
    return Thing(**values)


@pytest.mark.parametrize(
    "instance",
    [
        _thing(),
        _thing(number="12", flag="yes", text=5),  # values DRF's fields convert
        _thing(flag=0, number=None, text=None, day=None, nested=None, email=None),
    ],
    ids=["plain", "converted", "nulls"],
)
def test_objects_read_as_drf_reads_them(instance):
    s = Everything()
    assert s.to_representation(instance) == drf(s, instance)


def test_mappings_read_as_drf_reads_them():
    s = Everything(many=True)
    rows = [
        {
            "text": "Hà Nội",
            "number": 1,
            "flag": False,
            "day": date(2024, 1, 1),
            "at": None,
            "inner": {"n": 9},
            "shout": "GỌI",
            "nested": {"n": 2},
            "nested_list": [],
            "texts": [],
            "email": "",
            "missing_null": None,
        }
    ]
    child = s.child
    assert [child.to_representation(r) for r in rows] == [drf(child, r) for r in rows]
    # `whole` is the row itself, `called` a plain value of the mapping
    assert child.to_representation(rows[0])["called"] == "GỌI"


def test_a_missing_required_value_is_the_same_error():
    class Strict(Serializer):
        needed = serializers.CharField()

    with pytest.raises(AttributeError) as ours:
        Strict().to_representation(SimpleNamespace())
    with pytest.raises(AttributeError) as theirs:
        drf(Strict(), SimpleNamespace())
    assert str(ours.value) == str(theirs.value)
    # and a dotted source through None
    with pytest.raises(AttributeError) as ours:
        Everything().to_representation(_thing(inner=None))
    with pytest.raises(AttributeError) as theirs:
        drf(Everything(), _thing(inner=None))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.django_db
def test_model_serializers_and_relations_read_as_drf_reads_them(django_user_model):
    class DivisionOut(ModelSerializer):
        class Meta:
            model = Division
            fields = ["id", "code", "name", "is_active"]

    class UserOut(ModelSerializer):
        division = serializers.PrimaryKeyRelatedField(read_only=True)
        division_code = serializers.SlugRelatedField(
            source="division", slug_field="code", read_only=True
        )
        division_detail = DivisionOut(source="division", allow_null=True)
        groups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

        class Meta:
            model = django_user_model
            fields = ["id", "username", "division", "division_code", "division_detail", "groups"]

    division = Division.objects.create(code="kt", name="Phòng Kế toán")
    with_division = django_user_model.objects.create(username="a", division=division)
    without = django_user_model.objects.create(username="b")
    for user in (with_division, without):
        s = UserOut()
        assert s.to_representation(user) == drf(s, user)
    assert UserOut(with_division).data["division_code"] == "kt"
