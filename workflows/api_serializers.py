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
    # its declaration, so they are built once and each instance gets a copy (a field's
    # copy is a new field made from its constructor's arguments, as DRF copies its
    # declared fields). A subclass whose fields depend on the request or the context
    # must not use it.

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_motcua_built_fields")
        if built is None:
            built = super().get_fields()
            cls._motcua_built_fields = built
        return copy.deepcopy(built)
