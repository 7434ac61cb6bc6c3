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


def test_plain_serializers_copy_their_declared_fields():
    from permits.serializers import DossierLookupResultSerializer
    from workflows.api_serializers import Serializer

    assert issubclass(DossierLookupResultSerializer, Serializer)
    a, b = DossierLookupResultSerializer(), DossierLookupResultSerializer()
    theirs = type(
        "Plain", (serializers.Serializer,), dict(DossierLookupResultSerializer._declared_fields)
    )()
    assert [repr(f) for f in a.fields.values()] == [repr(f) for f in theirs.fields.values()]
    for name in a.fields:
        assert a.fields[name] is not b.fields[name]
        assert a.fields[name] is not DossierLookupResultSerializer._declared_fields[name]
        assert a.fields[name].parent is a and b.fields[name].parent is b


def test_a_compound_field_gets_a_child_of_its_own():
    from workflows.api_serializers import Serializer

    class Inner(Serializer):
        n = serializers.IntegerField()

    class Outer(Serializer):
        names = serializers.ListField(child=serializers.CharField(max_length=3))
        inner = serializers.ListField(child=Inner())

    one, two = Outer(), Outer()
    for name in ("names", "inner"):
        assert one.fields[name].child is not two.fields[name].child
        assert one.fields[name].child.parent is one.fields[name]
    s = Outer(data={"names": ["abc"], "inner": [{"n": "4"}]}, context={"k": 1})
    assert s.is_valid(), s.errors
    assert s.validated_data == {"names": ["abc"], "inner": [{"n": 4}]}
    assert s.fields["inner"].child.context == {"k": 1}
    bad = Outer(data={"names": ["abcd"], "inner": [{}]})
    assert not bad.is_valid()
    assert set(bad.errors) == {"names", "inner"}
