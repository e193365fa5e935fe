from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "openmash.messaging"
    label = "messaging"
    verbose_name = "Messaging: secure messages and attachments on a MASH enquiry"
