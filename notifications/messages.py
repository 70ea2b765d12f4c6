"""The words of every message, in the languages of our first customers (en, it, es, bg).

Plain format strings keep the four languages side by side for translators; the UI's own strings
go through gettext as usual.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "booking_confirmed": {
        "en": (
            "Your visit {number} is booked",
            "Hello {name},\n\nyour visit is booked for {window}.\nTechnician: {technician}.\n"
            "Address: {address}.\n\nTo move or cancel it: {manage_url}",
        ),
        "it": (
            "La visita {number} è prenotata",
            "Gentile {name},\n\nla visita è prenotata per {window}.\nTecnico: {technician}.\n"
            "Indirizzo: {address}.\n\nPer spostarla o annullarla: {manage_url}",
        ),
        "es": (
            "Su visita {number} está reservada",
            "Hola {name}:\n\nsu visita está reservada para {window}.\nTécnico: {technician}."
            "\nDirección: {address}.\n\nPara cambiarla o cancelarla: {manage_url}",
        ),
        "bg": (
            "Посещението {number} е запазено",
            "Здравейте, {name},\n\nпосещението е запазено за {window}.\nТехник: {technician}."
            "\nАдрес: {address}.\n\nЗа промяна или отказ: {manage_url}",
        ),
    },
    "visit_scheduled": {
        "en": (
            "Visit {number} scheduled",
            "Hello {name},\n\nwe will come {window}.\n"
            "Technician: {technician}.\n\nTo move or cancel it: {manage_url}",
        ),
        "it": (
            "Visita {number} programmata",
            "Gentile {name},\n\nverremo {window}.\n"
            "Tecnico: {technician}.\n\nPer spostarla o annullarla: {manage_url}",
        ),
        "es": (
            "Visita {number} programada",
            "Hola {name}:\n\niremos {window}.\n"
            "Técnico: {technician}.\n\nPara cambiarla o cancelarla: {manage_url}",
        ),
        "bg": (
            "Посещение {number} е насрочено",
            "Здравейте, {name},\n\nще дойдем {window}.\n"
            "Техник: {technician}.\n\nЗа промяна или отказ: {manage_url}",
        ),
    },
    "visit_moved": {
        "en": (
            "Visit {number} moved",
            "Hello {name},\n\nyour visit is now {window}.\nTechnician: {technician}.\n\n"
            "If this time does not suit you, choose another: {manage_url}",
        ),
        "it": (
            "Visita {number} spostata",
            "Gentile {name},\n\nla visita è ora {window}.\nTecnico: {technician}.\n\n"
            "Se l'orario non le va bene, ne scelga un altro: {manage_url}",
        ),
        "es": (
            "Visita {number} cambiada",
            "Hola {name}:\n\nsu visita es ahora {window}.\nTécnico: {technician}.\n\n"
            "Si este horario no le conviene, elija otro: {manage_url}",
        ),
        "bg": (
            "Посещение {number} е преместено",
            "Здравейте, {name},\n\nпосещението вече е {window}.\nТехник: {technician}.\n\n"
            "Ако този час не ви устройва, изберете друг: {manage_url}",
        ),
    },
    "visit_cancelled": {
        "en": ("Visit {number} cancelled", "Hello {name},\n\nthe visit of {window} is cancelled."),
        "it": (
            "Visita {number} annullata",
            "Gentile {name},\n\nla visita del {window} è annullata.",
        ),
        "es": (
            "Visita {number} cancelada",
            "Hola {name}:\n\nla visita del {window} está cancelada.",
        ),
        "bg": (
            "Посещение {number} е отменено",
            "Здравейте, {name},\n\nпосещението {window} е отменено.",
        ),
    },
    "reminder": {
        "en": ("Reminder: visit {number}", "Hello {name},\n\na reminder: we will come {window}."),
        "it": (
            "Promemoria: visita {number}",
            "Gentile {name},\n\nle ricordiamo che verremo {window}.",
        ),
        "es": (
            "Recordatorio: visita {number}",
            "Hola {name}:\n\nle recordamos que iremos {window}.",
        ),
        "bg": (
            "Напомняне: посещение {number}",
            "Здравейте, {name},\n\nнапомняме, че ще дойдем {window}.",
        ),
    },
    "en_route": {
        "en": (
            "Your technician is on the way",
            "Hello {name},\n\n{technician} is on the way, expected at {eta}.",
        ),
        "it": (
            "Il tecnico è in arrivo",
            "Gentile {name},\n\n{technician} è in arrivo, previsto alle {eta}.",
        ),
        "es": (
            "Su técnico está en camino",
            "Hola {name}:\n\n{technician} está en camino, llegada prevista a las {eta}.",
        ),
        "bg": (
            "Техникът е на път",
            "Здравейте, {name},\n\n{technician} е на път, очаква се в {eta}.",
        ),
    },
    "completed": {
        "en": (
            "Visit {number} completed",
            "Hello {name},\n\nthe visit is completed. Thank you.\n\nService report: {report_url}",
        ),
        "it": (
            "Visita {number} completata",
            "Gentile {name},\n\nla visita è completata. "
            "Grazie.\n\nRapporto di intervento: {report_url}",
        ),
        "es": (
            "Visita {number} completada",
            "Hola {name}:\n\nla visita está completada. "
            "Gracias.\n\nInforme de servicio: {report_url}",
        ),
        "bg": (
            "Посещение {number} е приключено",
            "Здравейте, {name},\n\nпосещението "
            "приключи. Благодарим.\n\nСервизен протокол: {report_url}",
        ),
    },
    "follow_up": {
        "en": (
            "Visit {number}: we need to come back",
            "Hello {name},\n\nwe could not finish "
            "today ({reason}). We will come back and will send you the new time.",
        ),
        "it": (
            "Visita {number}: dobbiamo tornare",
            "Gentile {name},\n\noggi non abbiamo "
            "potuto finire ({reason}). Torneremo e le invieremo il nuovo orario.",
        ),
        "es": (
            "Visita {number}: tenemos que volver",
            "Hola {name}:\n\nhoy no pudimos "
            "terminar ({reason}). Volveremos y le enviaremos la nueva hora.",
        ),
        "bg": (
            "Посещение {number}: ще дойдем отново",
            "Здравейте, {name},\n\nднес не "
            "успяхме да приключим ({reason}). Ще дойдем отново и ще ви изпратим новия час.",
        ),
    },
    "tech_change": {
        "en": ("Schedule change: {number}", "{change}: {number}, {window}, {address}."),
        "it": ("Modifica al programma: {number}", "{change}: {number}, {window}, {address}."),
        "es": ("Cambio en la agenda: {number}", "{change}: {number}, {window}, {address}."),
        "bg": ("Промяна в графика: {number}", "{change}: {number}, {window}, {address}."),
    },
    "tech_schedule": {
        "en": ("Your visits on {day}", "Hello {name},\n\nyour visits on {day}:\n{lines}"),
        "it": ("Le visite del {day}", "Ciao {name},\n\nle visite del {day}:\n{lines}"),
        "es": ("Sus visitas del {day}", "Hola {name}:\n\nsus visitas del {day}:\n{lines}"),
        "bg": ("Посещенията за {day}", "Здравей, {name},\n\nпосещенията за {day}:\n{lines}"),
    },
    "sla_at_risk": {
        "en": (
            "SLA at risk: {number}",
            "{number} ({name}) is due at {due} and no visit is under way.",
        ),
        "it": (
            "SLA a rischio: {number}",
            "{number} ({name}) scade alle {due} e nessuna visita è in corso.",
        ),
        "es": (
            "SLA en riesgo: {number}",
            "{number} ({name}) vence a las {due} y no hay visita en curso.",
        ),
        "bg": ("SLA в риск: {number}", "{number} ({name}) изтича в {due} и няма посещение в ход."),
    },
    "running_late": {
        "en": (
            "Running late: {number}",
            "{technician} is not on site for {number}; the window ended at {window_end}.",
        ),
        "it": (
            "In ritardo: {number}",
            "{technician} non è sul posto per {number}; la finestra è finita alle {window_end}.",
        ),
        "es": (
            "Con retraso: {number}",
            "{technician} no está en el sitio para {number}; la "
            "ventana terminó a las {window_end}.",
        ),
        "bg": (
            "Закъснение: {number}",
            "{technician} не е на място за {number}; прозорецът изтече в {window_end}.",
        ),
    },
    "handed_back": {
        "en": (
            "Cannot come: {number}",
            "{technician} cannot come to {number} ({name}, {address}), promised {window}.\n"
            "Reason: {reason}\n\nThe visit is back in the queue; the customer has not been told.",
        ),
        "it": (
            "Non può venire: {number}",
            "{technician} non può venire per {number} ({name}, {address}), promessa "
            "{window}.\nMotivo: {reason}\n\nLa visita è tornata in coda; il cliente non è "
            "stato avvisato.",
        ),
        "es": (
            "No puede ir: {number}",
            "{technician} no puede ir a {number} ({name}, {address}), prometida {window}.\n"
            "Motivo: {reason}\n\nLa visita ha vuelto a la cola; el cliente no ha sido avisado.",
        ),
        "bg": (
            "Не може да отиде: {number}",
            "{technician} не може да отиде за {number} ({name}, {address}), обещано "
            "{window}.\nПричина: {reason}\n\nПосещението е обратно в опашката; клиентът не "
            "е уведомен.",
        ),
    },
    "confirm_email": {
        "en": (
            "Confirm your email address",
            "Hello {name},\n\nto finish creating your account, confirm your email address: "
            "{confirm_url}\n\nIf you did not sign up, ignore this message.",
        ),
        "it": (
            "Confermi il suo indirizzo email",
            "Gentile {name},\n\nper completare la registrazione confermi il suo indirizzo "
            "email: {confirm_url}\n\nSe non si è registrato, ignori questo messaggio.",
        ),
        "es": (
            "Confirme su dirección de correo",
            "Hola {name}:\n\npara terminar de crear su cuenta, confirme su dirección de correo: "
            "{confirm_url}\n\nSi no se registró, ignore este mensaje.",
        ),
        "bg": (
            "Потвърдете имейл адреса си",
            "Здравейте, {name},\n\nза да завършите регистрацията, потвърдете имейл адреса си: "
            "{confirm_url}\n\nАко не сте се регистрирали, пренебрегнете това съобщение.",
        ),
    },
}


# SMS: one short text carrying what the recipient acts on (the time, the ETA, the link), not the
# email's subject alone. Cyrillic needs UCS-2, 70 characters a segment, so every word counts.
SMS_TEXTS: dict[str, dict[str, str]] = {
    "booking_confirmed": {
        "en": "Visit {number} booked: {window}. Move or cancel: {manage_url}",
        "it": "Visita {number} prenotata: {window}. Spostarla o annullarla: {manage_url}",
        "es": "Visita {number} reservada: {window}. Cambiarla o cancelarla: {manage_url}",
        "bg": "Посещение {number} е запазено: {window}. Промяна или отказ: {manage_url}",
    },
    "visit_scheduled": {
        "en": "Visit {number}: we will come {window}. Move or cancel: {manage_url}",
        "it": "Visita {number}: verremo {window}. Spostarla o annullarla: {manage_url}",
        "es": "Visita {number}: iremos {window}. Cambiarla o cancelarla: {manage_url}",
        "bg": "Посещение {number}: ще дойдем {window}. Промяна или отказ: {manage_url}",
    },
    "visit_moved": {
        "en": "Visit {number} moved to {window}. Another time: {manage_url}",
        "it": "Visita {number} spostata a {window}. Un altro orario: {manage_url}",
        "es": "Visita {number} cambiada a {window}. Otro horario: {manage_url}",
        "bg": "Посещение {number} е преместено за {window}. Друг час: {manage_url}",
    },
    "visit_cancelled": {
        "en": "Visit {number} of {window} is cancelled.",
        "it": "La visita {number} del {window} è annullata.",
        "es": "La visita {number} del {window} está cancelada.",
        "bg": "Посещение {number} ({window}) е отменено.",
    },
    "reminder": {
        "en": "Reminder: visit {number}, {window}.",
        "it": "Promemoria: visita {number}, {window}.",
        "es": "Recordatorio: visita {number}, {window}.",
        "bg": "Напомняне: посещение {number}, {window}.",
    },
    "en_route": {
        "en": "{technician} is on the way for visit {number}, expected at {eta}.",
        "it": "{technician} è in arrivo per la visita {number}, previsto alle {eta}.",
        "es": "{technician} está en camino para la visita {number}, llegada prevista: {eta}.",
        "bg": "{technician} е на път за посещение {number}, очаква се в {eta}.",
    },
    "completed": {
        "en": "Visit {number} completed. Thank you. Report: {report_url}",
        "it": "Visita {number} completata. Grazie. Rapporto: {report_url}",
        "es": "Visita {number} completada. Gracias. Informe: {report_url}",
        "bg": "Посещение {number} приключи. Благодарим. Протокол: {report_url}",
    },
    "follow_up": {
        "en": "Visit {number}: we need to come back ({reason}). We will send the new time.",
        "it": "Visita {number}: dobbiamo tornare ({reason}). Le invieremo il nuovo orario.",
        "es": "Visita {number}: tenemos que volver ({reason}). Le enviaremos la nueva hora.",
        "bg": "Посещение {number}: ще дойдем отново ({reason}). Ще изпратим новия час.",
    },
    "tech_change": {
        "en": "{change}: {number}, {window}, {address}.",
        "it": "{change}: {number}, {window}, {address}.",
        "es": "{change}: {number}, {window}, {address}.",
        "bg": "{change}: {number}, {window}, {address}.",
    },
    "tech_schedule": {
        "en": "Your visits on {day}:\n{lines}",
        "it": "Le visite del {day}:\n{lines}",
        "es": "Sus visitas del {day}:\n{lines}",
        "bg": "Посещенията за {day}:\n{lines}",
    },
    "sla_at_risk": {
        "en": "SLA at risk: {number} ({name}) is due at {due}, no visit under way.",
        "it": "SLA a rischio: {number} ({name}) scade alle {due}, nessuna visita in corso.",
        "es": "SLA en riesgo: {number} ({name}) vence a las {due}, sin visita en curso.",
        "bg": "SLA в риск: {number} ({name}) изтича в {due}, няма посещение в ход.",
    },
    "running_late": {
        "en": "Running late: {technician} not on site for {number}, window ended {window_end}.",
        "it": "In ritardo: {technician} non è sul posto per {number}, finestra finita "
        "alle {window_end}.",
        "es": "Con retraso: {technician} no está en el sitio para {number}, la ventana terminó "
        "a las {window_end}.",
        "bg": "Закъснение: {technician} не е на място за {number}, прозорецът изтече в "
        "{window_end}.",
    },
    "handed_back": {
        "en": "Cannot come: {technician} for {number}, {window}. {reason}",
        "it": "Non può venire: {technician} per {number}, {window}. {reason}",
        "es": "No puede ir: {technician} a {number}, {window}. {reason}",
        "bg": "Не може: {technician} за {number}, {window}. {reason}",
    },
    # Sent by email only; here so every kind has its words on both channels.
    "confirm_email": {
        "en": "Confirm your email address: {confirm_url}",
        "it": "Confermi il suo indirizzo email: {confirm_url}",
        "es": "Confirme su dirección de correo: {confirm_url}",
        "bg": "Потвърдете имейл адреса си: {confirm_url}",
    },
}


# The last line of every customer email, before the unsubscribe link.
UNSUBSCRIBE = {
    "en": "To stop these emails",
    "it": "Per non ricevere più queste email",
    "es": "Para dejar de recibir estos correos",
    "bg": "За да спрете тези имейли",
}


def unsubscribe_line(language: str) -> str:
    return UNSUBSCRIBE.get(language) or UNSUBSCRIBE["en"]


def render(kind: str, language: str, values: dict[str, str]) -> tuple[str, str]:
    """Subject and text body; English when the language has no text yet."""
    texts = TEXTS[kind]
    subject, body = texts.get(language) or texts["en"]
    return subject.format(**values), body.format(**values)


def render_sms(kind: str, language: str, values: dict[str, str]) -> str:
    """The SMS text; English when the language has no text yet."""
    texts = SMS_TEXTS[kind]
    return (texts.get(language) or texts["en"]).format(**values)
