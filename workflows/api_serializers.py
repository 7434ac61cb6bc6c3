"""Serializer helpers shared by the procedures' REST APIs."""

from __future__ import annotations

import copy
from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject

# how `_FastRepresentation` reads a field's value, and turns it into the answer's
_DRF, _ATTR, _WHOLE, _METHOD = range(4)  # reading: DRF's way, one attribute or key, *
_AS_IS, _STR, _INT, _BOOL = range(4)  # converting: the field's own, str(), int(), bool
_CONVERTERS = {serializers.CharField: _STR, serializers.IntegerField: _INT}
_CONVERTERS[serializers.BooleanField] = _BOOL
_UNREAD = object()


class _FastRepresentation:
    # DRF's Serializer.to_representation, the same answer in a third of the calls.
    #
    # DRF reads every field through `Field.get_attribute`: a walk over the source's
    # parts, an abstract-class check for a mapping at each part, a callable check, the
    # PKOnlyObject check; a dossier's detail reads some 240 values that way, about 2,200
    # Python calls of the ten thousand of its answer. A serializer here works out once
    # how each of its fields is read (a plan, kept on the instance: a list's child is one
    # instance for all its rows) and then reads a one-part source by a plain attribute or
    # key access, calls a SerializerMethodField's method directly, and converts the
    # values of DRF's own CharField, IntegerField and BooleanField as those fields would.
    # Everything else (dotted sources, relations, a field class of its own, a value that
    # is missing, a callable or an error) goes DRF's way, field by field.

    def to_representation(self, instance):
        plan = self.__dict__.get("_motcua_plan")
        if plan is None:
            plan = self.__dict__["_motcua_plan"] = _read_plan(self)
        ret = {}
        mapping = isinstance(instance, Mapping)
        for name, field, how, attr, convert in plan:
            if how == _METHOD:
                ret[name] = getattr(self, field.method_name)(instance)
                continue
            value = _UNREAD
            if how == _ATTR:
                try:
                    value = instance[attr] if mapping else getattr(instance, attr)
                except Exception:  # DRF's way below says what it means (None, skip, error)
                    value = _UNREAD
                else:
                    if callable(value):
                        value = _UNREAD
            elif how == _WHOLE:
                value = instance
            if value is _UNREAD:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject):
                    ret[name] = None if value.pk is None else field.to_representation(value)
                    continue
            if value is None:
                ret[name] = None
            elif convert == _STR:
                ret[name] = str(value)
            elif convert == _INT:
                ret[name] = int(value)
            elif convert == _BOOL and type(value) is bool:
                ret[name] = value
            else:
                ret[name] = field.to_representation(value)
        return ret


def _read_plan(serializer) -> list[tuple]:
    plan = []
    for field in serializer._readable_fields:
        cls = type(field)
        how = _DRF
        if cls is serializers.SerializerMethodField:
            how = _METHOD
        elif cls.get_attribute is Field.get_attribute:  # not a relation's own reading
            if field.source == "*":
                how = _WHOLE
            elif len(field.source_attrs) == 1:
                how = _ATTR
        attr = field.source_attrs[0] if how == _ATTR else None
        plan.append((field.field_name, field, how, attr, _CONVERTERS.get(cls, _AS_IS)))
    return plan


class ModelSerializer(_FastRepresentation, serializers.ModelSerializer):
    # DRF's ModelSerializer with its fields built from the model once per class.
    #
    # DRF introspects the model (field mapping, validators, choices) every time a
    # ModelSerializer is instantiated: for an API action that answers with a dossier's
    # detail that was a tenth of the request. The fields a class builds depend only on
    # its declaration, so they are built once and each instance gets a copy. A subclass
    # whose fields depend on the request or the context must not use it.
    #
    # DRF copies a field by calling its constructor again with deep copies of its
    # arguments: for a detail with its nested lists that was some ninety field
    # constructions per request, a third of the answer's time. A field that was never
    # bound holds nothing but its constructor's settings, so a plain field's copy is a
    # new object with the same attributes (what `bind` sets next is the copy's own); a
    # nested serializer, which holds its bound child, is still copied DRF's way.

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_motcua_built_fields")
        if built is None:
            built = super().get_fields()
            cls._motcua_built_fields = built
        return {name: _unbound_copy(field) for name, field in built.items()}


class Serializer(_FastRepresentation, serializers.Serializer):
    # DRF's Serializer with its declared fields copied the short way (see
    # ModelSerializer above): DRF deep-copies them, one constructor call per field, for
    # every instance, and a detail's nested lists make a few dozen instances.

    def get_fields(self):
        return {name: _unbound_copy(field) for name, field in self._declared_fields.items()}


def _unbound_copy(field):
    # a serializer, a field already bound, or one holding a bound child (ListField,
    # DictField, a many-related field) is copied DRF's way: its child must be its copy's
    if (
        isinstance(field, serializers.BaseSerializer)
        or getattr(field, "parent", None)
        or "child" in field.__dict__
        or "child_relation" in field.__dict__
    ):
        return copy.deepcopy(field)
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone
