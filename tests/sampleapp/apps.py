from django.apps import AppConfig


class SampleAppConfig(AppConfig):
    """A minimal procedure used only by the engine's tests."""

    name = "tests.sampleapp"
    label = "sampleapp"
