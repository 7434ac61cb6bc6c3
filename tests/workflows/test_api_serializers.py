"""The shared ModelSerializer builds its fields once per class and copies them."""

from rest_framework import serializers

from permits.serializers import DossierDetailSerializer, DossierDeviceSerializer
from workflows.api_serializers import ModelSerializer


def _plain(cls):
    """The same declaration on DRF's own ModelSerializer."""
    return type(
        f"Plain{cls.__name__}",
        (serializers.ModelSerializer,),
        {"Meta": cls.Meta, **cls._declared_fields},
    )


def test_fields_are_those_drf_builds():
    for cls in (DossierDeviceSerializer,):
        assert issubclass(cls, ModelSerializer)
        ours = cls().fields
        theirs = _plain(cls)().fields
        assert list(ours) == list(theirs)
        assert [repr(f) for f in ours.values()] == [repr(f) for f in theirs.values()]


def test_each_instance_has_its_own_fields():
    a, b = DossierDetailSerializer(), DossierDetailSerializer()
    assert list(a.fields) == list(b.fields)
    for name in a.fields:
        assert a.fields[name] is not b.fields[name]
        assert a.fields[name].parent is a and b.fields[name].parent is b
