from modeltranslation.translator import TranslationOptions, register

from .models import Finding, StatusUpdate, Theme


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Finding)
class FindingTranslation(TranslationOptions):
    fields = ("title", "text")


@register(StatusUpdate)
class StatusUpdateTranslation(TranslationOptions):
    fields = ("note",)
