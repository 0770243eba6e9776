from modeltranslation.translator import TranslationOptions, register

from .models import Cycle, Meeting, Organisation, Session, Speaker, StrategicProject


@register(Cycle)
class CycleTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "acronym", "description")


@register(StrategicProject)
class StrategicProjectTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = (
        "title",
        "short_title",
        "venue",
        "city",
        "summary",
        "description",
        "practical_information",
        "interpretation_languages",
    )


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description", "room")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("position", "biography")
