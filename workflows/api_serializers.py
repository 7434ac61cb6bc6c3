"""Serializer helpers shared by the procedures' REST APIs."""

from __future__ import annotations

import copy

from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
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


class Serializer(serializers.Serializer):
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
