from modeltranslation.translator import TranslationOptions, register

from .models import StaffMessage


@register(StaffMessage)
class StaffMessageTranslation(TranslationOptions):
    # Each participant receives the language of their choice.
    fields = ("subject", "body")
