from modeltranslation.translator import TranslationOptions, register

from .models import Cycle, Event, Organisation, Programme, Session, Speaker


@register(Cycle)
class CycleTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "acronym", "description")


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "venue", "city", "summary", "description")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description", "room")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("position", "biography")
