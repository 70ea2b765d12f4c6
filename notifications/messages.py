"""The words of every message, in the languages of our first customers (en, it, es, bg).

Plain format strings keep the four languages side by side for translators; the UI's own strings
go through gettext as usual.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "booking_confirmed": {
        "en": (
            "Your visit {number} is booked",
            "Hello {name},\n\nyour visit is booked for {window}.\nJob: {what}.\n"
            "Technician: {technician}.\nAddress: {address}.\n\nTo move or cancel it: {manage_url}",
        ),
        "it": (
            "La visita {number} è prenotata",
            "Gentile {name},\n\nla visita è prenotata per {window}.\nIntervento: {what}.\n"
            "Tecnico: {technician}.\nIndirizzo: {address}.\n\n"
            "Per spostarla o annullarla: {manage_url}",
        ),
        "es": (
            "Su visita {number} está reservada",
            "Hola {name}:\n\nsu visita está reservada para {window}.\nTrabajo: {what}.\n"
            "Técnico: {technician}."
            "\nDirección: {address}.\n\nPara cambiarla o cancelarla: {manage_url}",
        ),
        "bg": (
            "Посещението {number} е запазено",
            "Здравейте, {name},\n\nпосещението е запазено за {window}.\nУслуга: {what}.\n"
            "Техник: {technician}."
            "\nАдрес: {address}.\n\nЗа промяна или отказ: {manage_url}",
        ),
    },
    "visit_scheduled": {
        "en": (
            "Visit {number} scheduled",
            "Hello {name},\n\nwe will come on {window}.\nJob: {what}.\n"
            "Technician: {technician}.\n\nTo move or cancel it: {manage_url}",
        ),
        "it": (
            "Visita {number} programmata",
            "Gentile {name},\n\nverremo il {window}.\nIntervento: {what}.\n"
            "Tecnico: {technician}.\n\nPer spostarla o annullarla: {manage_url}",
        ),
        "es": (
            "Visita {number} programada",
            "Hola {name}:\n\niremos el {window}.\nTrabajo: {what}.\n"
            "Técnico: {technician}.\n\nPara cambiarla o cancelarla: {manage_url}",
        ),
        "bg": (
            "Посещение {number} е насрочено",
            "Здравейте, {name},\n\nще дойдем на {window}.\nУслуга: {what}.\n"
            "Техник: {technician}.\n\nЗа промяна или отказ: {manage_url}",
        ),
    },
    "visit_moved": {
        "en": (
            "Visit {number} moved",
            "Hello {name},\n\nyour visit is now on {window}.\nJob: {what}.\n"
            "Technician: {technician}.\n\n"
            "If this time does not suit you, choose another: {manage_url}",
        ),
        "it": (
            "Visita {number} spostata",
            "Gentile {name},\n\nla visita è ora il {window}.\nIntervento: {what}.\n"
            "Tecnico: {technician}.\n\n"
            "Se l'orario non le va bene, ne scelga un altro: {manage_url}",
        ),
        "es": (
            "Visita {number} cambiada",
            "Hola {name}:\n\nsu visita es ahora el {window}.\nTrabajo: {what}.\n"
            "Técnico: {technician}.\n\n"
            "Si este horario no le conviene, elija otro: {manage_url}",
        ),
        "bg": (
            "Посещение {number} е преместено",
            "Здравейте, {name},\n\nпосещението вече е на {window}.\nУслуга: {what}.\n"
            "Техник: {technician}.\n\n"
            "Ако този час не ви устройва, изберете друг: {manage_url}",
        ),
    },
    "rebook": {
        "en": (
            "Visit {number}: we need to rebook you",
            "Hello {name},\n\nwe are sorry: we cannot come {window} as planned.\nJob: {what}.\n"
            "Please choose a new time: {manage_url}",
        ),
        "it": (
            "Visita {number}: dobbiamo riprogrammarla",
            "Gentile {name},\n\nci scusiamo: non possiamo venire {window} come previsto.\n"
            "Intervento: {what}.\n"
            "Scelga un nuovo orario: {manage_url}",
        ),
        "es": (
            "Visita {number}: tenemos que cambiar la cita",
            "Hola {name}:\n\nlo sentimos: no podemos ir {window} como estaba previsto.\n"
            "Trabajo: {what}.\n"
            "Elija una nueva hora: {manage_url}",
        ),
        "bg": (
            "Посещение {number}: трябва да го насрочим отново",
            "Здравейте, {name},\n\nсъжаляваме: не можем да дойдем {window}, както беше "
            "планирано.\nУслуга: {what}.\nИзберете нов час: {manage_url}",
        ),
    },
    "visit_cancelled": {
        "en": (
            "Visit {number} cancelled",
            "Hello {name},\n\nthe visit on {window} is cancelled.\nJob: {what}.",
        ),
        "it": (
            "Visita {number} annullata",
            "Gentile {name},\n\nla visita del {window} è annullata.\nIntervento: {what}.",
        ),
        "es": (
            "Visita {number} cancelada",
            "Hola {name}:\n\nla visita del {window} está cancelada.\nTrabajo: {what}.",
        ),
        "bg": (
            "Посещение {number} е отменено",
            "Здравейте, {name},\n\nпосещението на {window} е отменено.\nУслуга: {what}.",
        ),
    },
    "reminder": {
        "en": (
            "Reminder: visit {number}",
            "Hello {name},\n\na reminder: we will come on {window}.\nJob: {what}.",
        ),
        "it": (
            "Promemoria: visita {number}",
            "Gentile {name},\n\nle ricordiamo che verremo il {window}.\nIntervento: {what}.",
        ),
        "es": (
            "Recordatorio: visita {number}",
            "Hola {name}:\n\nle recordamos que iremos el {window}.\nTrabajo: {what}.",
        ),
        "bg": (
            "Напомняне: посещение {number}",
            "Здравейте, {name},\n\nнапомняме, че ще дойдем на {window}.\nУслуга: {what}.",
        ),
    },
    "en_route": {
        "en": (
            "Your technician is on the way",
            "Hello {name},\n\n{technician} is on the way, expected at {eta}.\nJob: {what}.",
        ),
        "it": (
            "Il tecnico è in arrivo",
            "Gentile {name},\n\n{technician} è in arrivo, previsto alle {eta}.\n"
            "Intervento: {what}.",
        ),
        "es": (
            "Su técnico está en camino",
            "Hola {name}:\n\n{technician} está en camino, llegada prevista a las {eta}.\n"
            "Trabajo: {what}.",
        ),
        "bg": (
            "Техникът е на път",
            "Здравейте, {name},\n\n{technician} е на път, очаква се в {eta}.\nУслуга: {what}.",
        ),
    },
    "completed": {
        "en": (
            "Visit {number} completed",
            "Hello {name},\n\nthe visit is completed. Thank you.\nJob: {what}.\n\n"
            "Service report: {report_url}",
        ),
        "it": (
            "Visita {number} completata",
            "Gentile {name},\n\nla visita è completata. "
            "Grazie.\nIntervento: {what}.\n\nRapporto di intervento: {report_url}",
        ),
        "es": (
            "Visita {number} completada",
            "Hola {name}:\n\nla visita está completada. "
            "Gracias.\nTrabajo: {what}.\n\nInforme de servicio: {report_url}",
        ),
        "bg": (
            "Посещение {number} е приключено",
            "Здравейте, {name},\n\nпосещението "
            "приключи. Благодарим.\nУслуга: {what}.\n\nСервизен протокол: {report_url}",
        ),
    },
    # Completed with nothing recorded: no report of empty sections to read.
    "completed_no_report": {
        "en": (
            "Visit {number} completed",
            "Hello {name},\n\nthe visit is completed.\nJob: {what}.\n\nThank you.",
        ),
        "it": (
            "Visita {number} completata",
            "Gentile {name},\n\nla visita è completata.\nIntervento: {what}.\n\nGrazie.",
        ),
        "es": (
            "Visita {number} completada",
            "Hola {name}:\n\nla visita está completada.\nTrabajo: {what}.\n\nGracias.",
        ),
        "bg": (
            "Посещение {number} е приключено",
            "Здравейте, {name},\n\nпосещението приключи.\nУслуга: {what}.\n\nБлагодарим.",
        ),
    },
    "follow_up": {
        "en": (
            "Visit {number}: we need to come back",
            "Hello {name},\n\nwe could not finish "
            "today ({reason}). We will come back and will send you the new time.\nJob: {what}.",
        ),
        "it": (
            "Visita {number}: dobbiamo tornare",
            "Gentile {name},\n\noggi non abbiamo "
            "potuto finire ({reason}). Torneremo e le invieremo il nuovo orario.\n"
            "Intervento: {what}.",
        ),
        "es": (
            "Visita {number}: tenemos que volver",
            "Hola {name}:\n\nhoy no pudimos "
            "terminar ({reason}). Volveremos y le enviaremos la nueva hora.\nTrabajo: {what}.",
        ),
        "bg": (
            "Посещение {number}: ще дойдем отново",
            "Здравейте, {name},\n\nднес не "
            "успяхме да приключим ({reason}). Ще дойдем отново и ще ви изпратим новия час.\n"
            "Услуга: {what}.",
        ),
    },
    "tech_change": {
        "en": ("Schedule change: {number}", "{change}: {number}, {what}, {window}, {address}."),
        "it": (
            "Modifica al programma: {number}",
            "{change}: {number}, {what}, {window}, {address}.",
        ),
        "es": ("Cambio en la agenda: {number}", "{change}: {number}, {what}, {window}, {address}."),
        "bg": ("Промяна в графика: {number}", "{change}: {number}, {what}, {window}, {address}."),
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
            "{number} ({name}, {what}) is due {due} and no visit is under way.",
        ),
        "it": (
            "SLA a rischio: {number}",
            "{number} ({name}, {what}) scade il {due} e nessuna visita è in corso.",
        ),
        "es": (
            "SLA en riesgo: {number}",
            "{number} ({name}, {what}) vence el {due} y no hay visita en curso.",
        ),
        "bg": (
            "SLA в риск: {number}",
            "{number} ({name}, {what}) изтича на {due} и няма посещение в ход.",
        ),
    },
    "running_late": {
        "en": (
            "Running late: {number}",
            "{technician} is not on site for {number} ({what}); the window ended {window_end}.",
        ),
        "it": (
            "In ritardo: {number}",
            "{technician} non è sul posto per {number} ({what}); la finestra è finita il "
            "{window_end}.",
        ),
        "es": (
            "Con retraso: {number}",
            "{technician} no está en el sitio para {number} ({what}); la "
            "ventana terminó el {window_end}.",
        ),
        "bg": (
            "Закъснение: {number}",
            "{technician} не е на място за {number} ({what}); прозорецът изтече на {window_end}.",
        ),
    },
    "handed_back": {
        "en": (
            "Cannot come: {number}",
            "{technician} cannot come to {number} ({what}; {name}, {address}), promised "
            "{window}.\n"
            "Reason: {reason}\n\nThe visit is back in the queue; the customer has not been told.",
        ),
        "it": (
            "Non può venire: {number}",
            "{technician} non può venire per {number} ({what}; {name}, {address}), promessa "
            "{window}.\nMotivo: {reason}\n\nLa visita è tornata in coda; il cliente non è "
            "stato avvisato.",
        ),
        "es": (
            "No puede ir: {number}",
            "{technician} no puede ir a {number} ({what}; {name}, {address}), prometida "
            "{window}.\n"
            "Motivo: {reason}\n\nLa visita ha vuelto a la cola; el cliente no ha sido avisado.",
        ),
        "bg": (
            "Не може да отиде: {number}",
            "{technician} не може да отиде за {number} ({what}; {name}, {address}), обещано "
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
    "password_reset": {
        "en": (
            "Set a new password",
            "Hello {name},\n\nsomeone, hopefully you, asked to set a new password for your "
            "account. To choose it, open this link: {reset_url}\n\nThe link works once. If you "
            "did not ask, ignore this message: your password stays as it is.",
        ),
        "it": (
            "Imposti una nuova password",
            "Gentile {name},\n\nqualcuno, speriamo lei, ha chiesto una nuova password per il "
            "suo account. Per sceglierla apra questo link: {reset_url}\n\nIl link vale una "
            "volta sola. Se non l'ha chiesto lei, ignori questo messaggio: la password resta "
            "quella di prima.",
        ),
        "es": (
            "Elija una nueva contraseña",
            "Hola {name}:\n\nalguien, esperamos que usted, pidió una nueva contraseña para su "
            "cuenta. Para elegirla, abra este enlace: {reset_url}\n\nEl enlace sirve una sola "
            "vez. Si no la pidió, ignore este mensaje: su contraseña sigue igual.",
        ),
        "bg": (
            "Задайте нова парола",
            "Здравейте, {name},\n\nнякой, надяваме се вие, поиска нова парола за профила ви. "
            "За да я изберете, отворете тази връзка: {reset_url}\n\nВръзката важи веднъж. Ако "
            "не сте поискали, пренебрегнете това съобщение: паролата ви остава същата.",
        ),
    },
}


# SMS: one short text carrying what the recipient acts on (the time, the ETA, the link), not the
# email's subject alone. Cyrillic needs UCS-2, 70 characters a segment, so every word counts.
SMS_TEXTS: dict[str, dict[str, str]] = {
    "booking_confirmed": {
        "en": "Visit {number} ({what}) booked: {window}. Move or cancel: {manage_url}",
        "it": "Visita {number} ({what}) prenotata: {window}. Spostarla o annullarla: {manage_url}",
        "es": "Visita {number} ({what}) reservada: {window}. Cambiarla o cancelarla: {manage_url}",
        "bg": "Посещение {number} ({what}) е запазено: {window}. Промяна или отказ: {manage_url}",
    },
    "visit_scheduled": {
        "en": "Visit {number} ({what}): we will come on {window}. Move or cancel: {manage_url}",
        "it": "Visita {number} ({what}): verremo il {window}. Spostarla o annullarla: {manage_url}",
        "es": "Visita {number} ({what}): iremos el {window}. Cambiarla o cancelarla: {manage_url}",
        "bg": "Посещение {number} ({what}): ще дойдем на {window}. Промяна или отказ: {manage_url}",
    },
    "visit_moved": {
        "en": "Visit {number} ({what}) moved to {window}. Another time: {manage_url}",
        "it": "Visita {number} ({what}) spostata al {window}. Un altro orario: {manage_url}",
        "es": "Visita {number} ({what}) cambiada al {window}. Otro horario: {manage_url}",
        "bg": "Посещение {number} ({what}) е преместено за {window}. Друг час: {manage_url}",
    },
    "rebook": {
        "en": "Visit {number} ({what}): we cannot come {window}. Choose a new time: {manage_url}",
        "it": "Visita {number} ({what}): non possiamo venire {window}. "
        "Scelga un nuovo orario: {manage_url}",
        "es": "Visita {number} ({what}): no podemos ir {window}. "
        "Elija una nueva hora: {manage_url}",
        "bg": "Посещение {number} ({what}): не можем да дойдем {window}. "
        "Изберете нов час: {manage_url}",
    },
    "visit_cancelled": {
        "en": "Visit {number} ({what}) on {window} is cancelled.",
        "it": "La visita {number} ({what}) del {window} è annullata.",
        "es": "La visita {number} ({what}) del {window} está cancelada.",
        "bg": "Посещение {number} ({what}, {window}) е отменено.",
    },
    "completed_no_report": {
        "en": "Visit {number} ({what}) completed. Thank you.",
        "it": "Visita {number} ({what}) completata. Grazie.",
        "es": "Visita {number} ({what}) completada. Gracias.",
        "bg": "Посещение {number} ({what}) приключи. Благодарим.",
    },
    "reminder": {
        "en": "Reminder: visit {number} ({what}), {window}.",
        "it": "Promemoria: visita {number} ({what}), {window}.",
        "es": "Recordatorio: visita {number} ({what}), {window}.",
        "bg": "Напомняне: посещение {number} ({what}), {window}.",
    },
    "en_route": {
        "en": "{technician} is on the way for visit {number} ({what}), expected at {eta}.",
        "it": "{technician} è in arrivo per la visita {number} ({what}), previsto alle {eta}.",
        "es": "{technician} está en camino para la visita {number} ({what}), llegada "
        "prevista: {eta}.",
        "bg": "{technician} е на път за посещение {number} ({what}), очаква се в {eta}.",
    },
    "completed": {
        "en": "Visit {number} ({what}) completed. Thank you. Report: {report_url}",
        "it": "Visita {number} ({what}) completata. Grazie. Rapporto: {report_url}",
        "es": "Visita {number} ({what}) completada. Gracias. Informe: {report_url}",
        "bg": "Посещение {number} ({what}) приключи. Благодарим. Протокол: {report_url}",
    },
    "follow_up": {
        "en": "Visit {number} ({what}): we need to come back ({reason}). We will send the new "
        "time.",
        "it": "Visita {number} ({what}): dobbiamo tornare ({reason}). Le invieremo il nuovo "
        "orario.",
        "es": "Visita {number} ({what}): tenemos que volver ({reason}). Le enviaremos la "
        "nueva hora.",
        "bg": "Посещение {number} ({what}): ще дойдем отново ({reason}). Ще изпратим новия час.",
    },
    "tech_change": {
        "en": "{change}: {number}, {what}, {window}, {address}.",
        "it": "{change}: {number}, {what}, {window}, {address}.",
        "es": "{change}: {number}, {what}, {window}, {address}.",
        "bg": "{change}: {number}, {what}, {window}, {address}.",
    },
    "tech_schedule": {
        "en": "Your visits on {day}:\n{lines}",
        "it": "Le visite del {day}:\n{lines}",
        "es": "Sus visitas del {day}:\n{lines}",
        "bg": "Посещенията за {day}:\n{lines}",
    },
    "sla_at_risk": {
        "en": "SLA at risk: {number} ({name}, {what}) is due {due}, no visit under way.",
        "it": "SLA a rischio: {number} ({name}, {what}) scade il {due}, nessuna visita in corso.",
        "es": "SLA en riesgo: {number} ({name}, {what}) vence el {due}, sin visita en curso.",
        "bg": "SLA в риск: {number} ({name}, {what}) изтича на {due}, няма посещение в ход.",
    },
    "running_late": {
        "en": "Running late: {technician} not on site for {number} ({what}), window ended "
        "{window_end}.",
        "it": "In ritardo: {technician} non è sul posto per {number} ({what}), finestra "
        "finita il {window_end}.",
        "es": "Con retraso: {technician} no está en el sitio para {number} ({what}), la "
        "ventana terminó el {window_end}.",
        "bg": "Закъснение: {technician} не е на място за {number} ({what}), прозорецът "
        "изтече на {window_end}.",
    },
    "handed_back": {
        "en": "Cannot come: {technician} for {number} ({what}), {window}. {reason}",
        "it": "Non può venire: {technician} per {number} ({what}), {window}. {reason}",
        "es": "No puede ir: {technician} a {number} ({what}), {window}. {reason}",
        "bg": "Не може: {technician} за {number} ({what}), {window}. {reason}",
    },
    # Sent by email only; here so every kind has its words on both channels.
    "confirm_email": {
        "en": "Confirm your email address: {confirm_url}",
        "it": "Confermi il suo indirizzo email: {confirm_url}",
        "es": "Confirme su dirección de correo: {confirm_url}",
        "bg": "Потвърдете имейл адреса си: {confirm_url}",
    },
    # Sent by email only; here so every kind has its words on both channels.
    "password_reset": {
        "en": "Set a new password: {reset_url}",
        "it": "Imposti una nuova password: {reset_url}",
        "es": "Elija una nueva contraseña: {reset_url}",
        "bg": "Задайте нова парола: {reset_url}",
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
