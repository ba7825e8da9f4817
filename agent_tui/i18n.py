"""UI strings in English and Dutch.

``t("key", **values)`` returns the string for the current language. Every key exists in
both languages (a test checks); customer text never goes through here.
"""

from __future__ import annotations

_LANG = "en"

EN: dict[str, str] = {
    # agent states (words, never colour alone)
    "state.available": "Available", "state.break": "Break", "state.lunch": "Lunch",
    "state.meeting": "Meeting", "state.training": "Training", "state.acw": "After-contact work",
    "state.offline": "Offline", "state.on_contact": "On contact",
    "state.missed": "Not ready (missed offer)",
    # connection
    "conn.connecting": "connecting", "conn.online": "online", "conn.reconnecting": "reconnecting",
    "conn.offline": "offline", "conn.auth_failed": "login needed", "conn.rtt": "RTT {ms} ms",
    "conn.queued": "{n} queued",
    # status bar
    "status.queue": "Queue {waiting} · longest {longest}", "status.unread": "Unread {n}",
    "status.nobody": "not logged in",
    # panels
    "panel.conversations": "Conversations", "panel.colleagues": "Colleagues",
    "panel.customer": "Customer", "panel.knowledge": "Knowledge", "panel.team": "Team chat",
    "panel.callbar": "",
    "conv.none": "No open conversations. Offers appear at the top when you are Available.",
    "conv.select": "Select a conversation on the left (F2).",
    "conv.typing": "{who} is typing…", "conv.waiting": "waiting {t}",
    "conv.urgent": "URGENT", "conv.high": "HIGH", "conv.wrapup_due": "ACW {t}",
    "msg.note": "NOTE (internal)", "msg.queued": "queued — will send when back online",
    "msg.sending": "sending…", "msg.failed": "not sent: {why}", "msg.system": "system",
    "msg.you": "you",
    # composer
    "composer.reply": "Reply", "composer.note": "Internal note",
    "composer.placeholder": "Type a reply — Enter sends, Alt+Enter new line, /shortcut for quick replies",
    "composer.note_placeholder": "Internal note — never sent to the customer",
    "composer.email_placeholder": "Write the e-mail — Enter adds a line, Ctrl+S sends, Ctrl+G quotes",
    "composer.subject": "Subject", "composer.to": "To {handle}",
    "composer.sms": "{chars} chars · {segments} segment(s) · {enc}",
    "composer.quote": "Quote last message (Ctrl+Q in e-mail)",
    "composer.no_conv": "No conversation selected.",
    # --- issue 8, a desk for a whole shift (deskux) ---
    "composer.voice_notes": "voice call: what you type here is a note (the caller hears you)",
    "common.none": "(none)",
    "keyring.title": "Keyring",
    "keyring.unavailable": "The OS keyring is not available, so your login is not remembered: {why}",
    "screen.too_small": "Terminal too small: {w}×{h}. The desk needs at least {min_w}×{min_h}; make the window bigger.",
    "team.unread_rooms": "{n} unread in team chat",
    "canned.preview": "Preview", "canned.lang": "language {lang}",
    "kb.agent_only": "For agents only (never inserted into the reply)",
    "msg.customer": "customer", "status.queue_short": "Queue {waiting}/{longest}",
    "reason.offer timed out": "offer timed out", "reason.login": "login", "reason.after contact": "after contact",
    "wrapcode.solved": "Solved in first contact", "wrapcode.info": "Information given",
    "wrapcode.invoice": "Invoice question", "wrapcode.outage": "Outage reported",
    "wrapcode.move": "Moving house", "wrapcode.callback": "Callback agreed",
    "wrapcode.escalated": "Escalated to back office", "wrapcode.no-answer": "Customer did not answer",
    # --- end deskux ---
    # presence
    "presence.filter": "Filter colleagues (type)", "presence.none": "No colleagues match.",
    "presence.you": "(you)",
    # offer
    "offer.title": "OFFER", "offer.from": "{channel} from {customer}",
    "offer.keys": "Accept [{accept}]   Decline [{decline}]", "offer.left": "{s} s left",
    "offer.more": "+{n} more",
    # customer
    "customer.history": "Earlier contacts", "customer.none": "No earlier contacts.",
    "customer.suggest": "Suggested articles",
    # knowledge
    "kb.search": "Search the knowledge base (Ctrl+K)", "kb.hint": "Type to search; Enter opens an article, i inserts its answer.", "kb.none": "No articles found.",
    "kb.offline": "offline — searching {n} cached articles", "kb.reviewed": "reviewed {d}",
    "kb.insert": "Insert into reply", "kb.propose": "Propose edit", "kb.close": "Close",
    "kb.proposed": "Proposal sent for review.", "kb.title": "Title", "kb.body": "Answer",
    "kb.send_proposal": "Send proposal", "kb.did_you_mean": "did you mean: {s}",
    # team
    "team.rooms": "Rooms", "team.placeholder": "Message {room} — Enter sends",
    "team.pinned": "Pinned", "team.dm": "Direct: {name}",
    # actions (bindings, palette)
    "act.help": "Help", "act.accept": "Accept offer", "act.decline": "Decline offer",
    "act.state": "Set state", "act.conversations": "Conversations", "act.colleagues": "Colleagues",
    "act.team": "Team chat", "act.customer": "Customer", "act.kb": "Knowledge",
    "act.next_conv": "Next conversation", "act.prev_conv": "Previous conversation",
    "act.note": "Note/reply", "act.transfer": "Transfer", "act.wrapup": "Wrap up",
    "act.send": "Send", "act.canned": "Quick replies", "act.quit": "Quit", "act.theme": "Theme",
    "act.language": "Language", "act.dm": "Direct chat", "act.suggest": "Suggest articles",
    "act.available": "Go Available", "act.break": "Take a break",
    # modals
    "wrapup.title": "Wrap up {customer}", "wrapup.code": "Wrap-up code", "wrapup.notes": "Notes",
    "wrapup.acw": "After-contact work {t}", "wrapup.left": "({t} left before the center closes it)", "wrapup.done": "Close conversation",
    "wrapup.cancel": "Cancel",
    "transfer.title": "Transfer {customer}", "transfer.to": "To a colleague or a queue",
    "transfer.note": "Note for the colleague (optional)", "transfer.do": "Transfer",
    "transfer.filter": "Type to filter",
    "state.title": "Set your state", "state.reason": "Reason (optional)",
    "canned.title": "Quick replies", "canned.filter": "Type to filter",
    "help.title": "Keys and help", "help.keys": "Keys", "help.data": "Demo data directory: {d}",
    "help.config": "Config file: {p}", "help.remap": "Remap keys in the config under keys: (binding id: key).",
    "help.close": "Close (Esc)",
    "help.col_key": "Key", "help.col_action": "Action", "help.col_id": "Binding id",
    "help.palette": "Command palette (every action)", "help.newline": "New line in the reply",
    "help.quote": "Quote the customer (e-mail)",
    # login
    "login.title": "Log in to your contact center", "login.server": "Server (wss://host:port)",
    "login.ca": "CA certificate file", "login.user": "User", "login.password": "Password",
    "login.go": "Log in", "login.busy": "Connecting…",
    "login.keyring": "Your password and session token are kept in the OS keyring, never on disk.",
    # notices
    "note.state": "State: {state}", "note.transferred": "Transferred to {to}.",
    "note.wrapped": "Conversation closed ({code}).", "note.error": "{what} failed: {why}",
    "note.no_offer": "No offer to answer.", "note.no_conv": "Select a conversation first.",
    "note.dm_started": "Direct chat with {name}.", "note.offline_queued": "Offline: queued.",
    # the call bar (widgets/call_bar.py): states, hints, quality
    "call.ringing": "RINGING", "call.calling": "CALLING", "call.connected": "CONNECTED",
    "call.held": "ON HOLD", "call.remote_held": "HELD BY OTHER SIDE", "call.muted": "MUTED",
    "call.transferring": "TRANSFERRING", "call.ended": "ENDED", "call.transferred": "TRANSFERRED",
    "call.failed": "FAILED",
    "call.conv": "conv", "call.answer": "answer", "call.reject": "reject", "call.hangup": "hang up",
    "call.hold": "hold", "call.resume": "resume", "call.mute": "mute", "call.unmute": "unmute",
    "call.transfer": "transfer", "call.wrapup": "wrap-up", "call.consult": "consult",
    "call.complete": "complete transfer", "call.conference": "conference", "call.keypad": "keypad",
    "call.measuring": "measuring call quality…", "call.quality_ok": "quality good",
    "call.warn": "POOR CALL QUALITY", "call.second": "2nd call", "call.unknown": "unknown caller",
    "call.no_headset": "HEADSET PROBLEM",
    "call.reason.rejected": "rejected", "call.reason.offer_withdrawn": "offer withdrawn",
    "call.reason.pickup_failed": "could not take the call",
    "call.reason.no_line": "no free line at the center: the call went back to the queue",
    # the softphone's actions (desk_phone/keys.py: bindings, help, palette)
    "act.phone.answer": "Answer call", "act.phone.reject": "Reject call", "act.phone.hangup": "Hang up",
    "act.phone.hold": "Hold / resume", "act.phone.mute": "Mute / unmute",
    "act.phone.dtmf": "Keypad (DTMF)", "act.phone.transfer": "Blind transfer call",
    "act.phone.consult": "Consult transfer (start / complete)",
    "act.phone.conference": "Three-way conference", "act.phone.dial": "Dial a number or colleague",
    "act.phone.call_customer": "Call the customer of this conversation",
    "act.phone.settings": "Audio settings (headset, test tone)",
    "phone.palette": "Phone: {label}",
    # the softphone's notices and prompts (desk_phone/controller.py)
    "phone.off": "the softphone is switched off (AGENT_TUI_SOFTPHONE / softphone.start)",
    "phone.failed": "Softphone: {why}", "phone.unavailable": "Softphone not available: {why}",
    "phone.not_logged_in": "not logged in", "phone.headset": "Headset: {why}",
    "phone.command_failed": "Phone {command}: {why}",
    "phone.transfer_failed": "Transfer failed: {code} {reason}",
    "phone.no_ringing": "No call is ringing", "phone.no_transfer": "No call to transfer",
    "phone.not_reached": "The call has not reached the softphone (is it registered?)",
    "phone.consult_first": "Start a consult call first",
    "phone.no_number": "This conversation's customer has no phone number",
    "phone.need_registrar": "Outbound calls need the center's SIP registrar (Kamailio). In direct mode "
                            "(the demo) you take the calls offered to you, and transfer or consult "
                            "during a call.",
    "phone.wrapup_due": "Call ended — wrap up conversation {conversation} ({shortcut})",
    "prompt.cancel": "Cancel",
    "prompt.dtmf": "DTMF", "prompt.dtmf_hint": "Digits are sent as you type; Enter closes.",
    "prompt.transfer": "Transfer to", "prompt.transfer_placeholder": "colleague, queue or number",
    "prompt.dial": "Call", "prompt.dial_placeholder": "number, colleague (agent2) or sip:uri",
    # the audio settings screen (screens/audio_settings.py); the YAML snippet keeps the config's keys
    "audio.title": "Audio settings — headset check",
    "audio.mic": "Mic", "audio.headset": "Headset", "audio.ring_on": "Ring on", "audio.profile": "Profile",
    "audio.system_default": "system default", "audio.default_device": "default",
    "audio.not_found": "{device} (from config, not found now)",
    "audio.profile_low": "low — ≤ 30 kbit/s (speex/iLBC/GSM)",
    "audio.profile_normal": "normal — wideband G.722",
    "audio.tone": "Test tone", "audio.ring_test": "Ring test", "audio.save": "Save", "audio.close": "Close",
    "audio.silence": "silence", "audio.mic_meter": "Mic {meter}", "audio.mic_error": "Mic: ⚠ {why}",
    "audio.device_error": "⚠ {why}",
    "audio.profile_changed": "Profile {profile}: used from the next call on.",
    "audio.tone_phone": "Test tone: 2 s at 1 kHz in the headset (through the phone).",
    "audio.playing": "{what}: playing on {device} …", "audio.played": "{what}: played on {device}.",
    "audio.play_failed": "{what}: ⚠ {why}", "audio.cannot_play": "cannot play on {device}: {why}",
    "audio.kept": "Kept for this session. To keep it, put this in your config file:",
    # storage faults (issue 9 §5)
    "center.read_only": "⚠ the center cannot store new messages",
    # call monitoring by a lead (issue 11; core/call_state.py, widgets/call_bar.py)
    "call.monitor.listen": "{lead} is listening to this call",
    "call.monitor.whisper": "{lead} is listening and can talk to you (the customer does not hear)",
    "call.monitor.barge": "{lead} has joined the call (the customer hears them)",
    "call.monitor.off": "{lead} stopped listening",
    "call.monitored.listen": "listened in: {lead}", "call.monitored.whisper": "whisper: {lead}",
    "call.monitored.barge": "3-way: {lead}",
}

NL: dict[str, str] = {
    "state.available": "Beschikbaar", "state.break": "Pauze", "state.lunch": "Lunch",
    "state.meeting": "Overleg", "state.training": "Training", "state.acw": "Nawerk",
    "state.offline": "Offline", "state.on_contact": "In contact",
    "state.missed": "Niet gereed (aanbod gemist)",
    "conn.connecting": "verbinden", "conn.online": "online", "conn.reconnecting": "opnieuw verbinden",
    "conn.offline": "offline", "conn.auth_failed": "inloggen nodig", "conn.rtt": "RTT {ms} ms",
    "conn.queued": "{n} in wachtrij",
    "status.queue": "Wachtrij {waiting} · langst {longest}", "status.unread": "Ongelezen {n}",
    "status.nobody": "niet ingelogd",
    "panel.conversations": "Gesprekken", "panel.colleagues": "Collega's",
    "panel.customer": "Klant", "panel.knowledge": "Kennisbank", "panel.team": "Teamchat",
    "panel.callbar": "",
    "conv.none": "Geen open gesprekken. Aanbiedingen verschijnen bovenaan als je Beschikbaar bent.",
    "conv.select": "Kies links een gesprek (F2).",
    "conv.typing": "{who} typt…", "conv.waiting": "wacht {t}",
    "conv.urgent": "SPOED", "conv.high": "HOOG", "conv.wrapup_due": "Nawerk {t}",
    "msg.note": "NOTITIE (intern)", "msg.queued": "in wachtrij — wordt verstuurd zodra je weer online bent",
    "msg.sending": "versturen…", "msg.failed": "niet verstuurd: {why}", "msg.system": "systeem",
    "msg.you": "jij",
    "composer.reply": "Antwoord", "composer.note": "Interne notitie",
    "composer.placeholder": "Typ een antwoord — Enter verstuurt, Alt+Enter nieuwe regel, /afkorting voor snelle antwoorden",
    "composer.note_placeholder": "Interne notitie — gaat nooit naar de klant",
    "composer.email_placeholder": "Schrijf de e-mail — Enter nieuwe regel, Ctrl+S verstuurt, Ctrl+G citeert",
    "composer.subject": "Onderwerp", "composer.to": "Aan {handle}",
    "composer.sms": "{chars} tekens · {segments} deel/delen · {enc}",
    "composer.quote": "Laatste bericht citeren (Ctrl+Q bij e-mail)",
    "composer.no_conv": "Geen gesprek gekozen.",
    # --- issue 8, a desk for a whole shift (deskux) ---
    "composer.voice_notes": "telefoongesprek: wat je hier typt is een notitie (de beller hoort je)",
    "common.none": "(geen)",
    "keyring.title": "Sleutelbos",
    "keyring.unavailable": "De sleutelbos van het systeem is niet beschikbaar, dus je login wordt niet onthouden: {why}",
    "screen.too_small": "Terminal te klein: {w}×{h}. De desk heeft minstens {min_w}×{min_h} nodig; maak het venster groter.",
    "team.unread_rooms": "{n} ongelezen in teamchat",
    "canned.preview": "Voorbeeld", "canned.lang": "taal {lang}",
    "kb.agent_only": "Alleen voor medewerkers (wordt nooit in het antwoord gezet)",
    "msg.customer": "klant", "status.queue_short": "Wachtrij {waiting}/{longest}",
    "reason.offer timed out": "aanbod verlopen", "reason.login": "ingelogd", "reason.after contact": "na contact",
    "wrapcode.solved": "Opgelost in eerste contact", "wrapcode.info": "Informatie gegeven",
    "wrapcode.invoice": "Vraag over factuur", "wrapcode.outage": "Storing gemeld",
    "wrapcode.move": "Verhuizing", "wrapcode.callback": "Terugbelafspraak gemaakt",
    "wrapcode.escalated": "Doorgezet naar de backoffice", "wrapcode.no-answer": "Klant nam niet op",
    # --- end deskux ---
    "presence.filter": "Collega's filteren (typ)", "presence.none": "Geen collega's gevonden.",
    "presence.you": "(jij)",
    "offer.title": "AANBOD", "offer.from": "{channel} van {customer}",
    "offer.keys": "Aannemen [{accept}]   Weigeren [{decline}]", "offer.left": "nog {s} s",
    "offer.more": "+{n} meer",
    "customer.history": "Eerdere contacten", "customer.none": "Geen eerdere contacten.",
    "customer.suggest": "Voorgestelde artikelen",
    "kb.search": "Zoek in de kennisbank (Ctrl+K)", "kb.hint": "Typ om te zoeken; Enter opent een artikel, i voegt het antwoord in.", "kb.none": "Geen artikelen gevonden.",
    "kb.offline": "offline — zoekt in {n} bewaarde artikelen", "kb.reviewed": "nagekeken {d}",
    "kb.insert": "In antwoord invoegen", "kb.propose": "Wijziging voorstellen", "kb.close": "Sluiten",
    "kb.proposed": "Voorstel ter beoordeling verstuurd.", "kb.title": "Titel", "kb.body": "Antwoord",
    "kb.send_proposal": "Voorstel versturen", "kb.did_you_mean": "bedoelde je: {s}",
    "team.rooms": "Kanalen", "team.placeholder": "Bericht aan {room} — Enter verstuurt",
    "team.pinned": "Vastgezet", "team.dm": "Direct: {name}",
    "act.help": "Help", "act.accept": "Aanbod aannemen", "act.decline": "Aanbod weigeren",
    "act.state": "Status kiezen", "act.conversations": "Gesprekken", "act.colleagues": "Collega's",
    "act.team": "Teamchat", "act.customer": "Klant", "act.kb": "Kennisbank",
    "act.next_conv": "Volgend gesprek", "act.prev_conv": "Vorig gesprek",
    "act.note": "Notitie/antwoord", "act.transfer": "Doorverbinden", "act.wrapup": "Afronden",
    "act.send": "Versturen", "act.canned": "Snelle antwoorden", "act.quit": "Afsluiten",
    "act.theme": "Thema", "act.language": "Taal", "act.dm": "Direct chatten",
    "act.suggest": "Artikelen voorstellen",
    "act.available": "Beschikbaar worden", "act.break": "Pauze nemen",
    "wrapup.title": "{customer} afronden", "wrapup.code": "Afrondcode", "wrapup.notes": "Notities",
    "wrapup.acw": "Nawerk {t}", "wrapup.left": "(nog {t} voordat het center het sluit)", "wrapup.done": "Gesprek sluiten", "wrapup.cancel": "Annuleren",
    "transfer.title": "{customer} doorverbinden", "transfer.to": "Naar een collega of wachtrij",
    "transfer.note": "Notitie voor de collega (optioneel)", "transfer.do": "Doorverbinden",
    "transfer.filter": "Typ om te filteren",
    "state.title": "Kies je status", "state.reason": "Reden (optioneel)",
    "canned.title": "Snelle antwoorden", "canned.filter": "Typ om te filteren",
    "help.title": "Toetsen en hulp", "help.keys": "Toetsen", "help.data": "Demo-gegevensmap: {d}",
    "help.config": "Configuratiebestand: {p}",
    "help.remap": "Toetsen aanpassen in de configuratie onder keys: (binding-id: toets).",
    "help.close": "Sluiten (Esc)",
    "help.col_key": "Toets", "help.col_action": "Actie", "help.col_id": "Binding-id",
    "help.palette": "Opdrachtenpalet (alle acties)", "help.newline": "Nieuwe regel in het antwoord",
    "help.quote": "Klant citeren (e-mail)",
    "login.title": "Inloggen bij je contactcenter", "login.server": "Server (wss://host:poort)",
    "login.ca": "CA-certificaatbestand", "login.user": "Gebruiker", "login.password": "Wachtwoord",
    "login.go": "Inloggen", "login.busy": "Verbinden…",
    "login.keyring": "Je wachtwoord en sessietoken staan in de sleutelbos van het systeem, nooit op schijf.",
    "note.state": "Status: {state}", "note.transferred": "Doorverbonden naar {to}.",
    "note.wrapped": "Gesprek gesloten ({code}).", "note.error": "{what} mislukt: {why}",
    "note.no_offer": "Geen aanbod om te beantwoorden.", "note.no_conv": "Kies eerst een gesprek.",
    "note.dm_started": "Directe chat met {name}.", "note.offline_queued": "Offline: in wachtrij.",
    "call.ringing": "GAAT OVER", "call.calling": "BELT", "call.connected": "VERBONDEN",
    "call.held": "IN DE WACHT", "call.remote_held": "IN DE WACHT (ANDERE KANT)", "call.muted": "DEMPT",
    "call.transferring": "DOORVERBINDEN", "call.ended": "BEËINDIGD", "call.transferred": "DOORVERBONDEN",
    "call.failed": "MISLUKT",
    "call.conv": "gesprek", "call.answer": "opnemen", "call.reject": "weigeren", "call.hangup": "ophangen",
    "call.hold": "wacht", "call.resume": "terug", "call.mute": "dempen", "call.unmute": "dempen uit",
    "call.transfer": "doorverbinden", "call.wrapup": "afronden", "call.consult": "ruggespraak",
    "call.complete": "doorverbinden voltooien", "call.conference": "conferentie", "call.keypad": "toetsen",
    "call.measuring": "gesprekskwaliteit meten…", "call.quality_ok": "kwaliteit goed",
    "call.warn": "SLECHTE GESPREKSKWALITEIT", "call.second": "2e gesprek", "call.unknown": "onbekende beller",
    "call.no_headset": "HEADSETPROBLEEM",
    "call.reason.rejected": "geweigerd", "call.reason.offer_withdrawn": "aanbod ingetrokken",
    "call.reason.pickup_failed": "gesprek kon niet worden opgenomen",
    "call.reason.no_line": "geen vrije lijn bij de centrale: het gesprek staat weer in de wachtrij",
    "act.phone.answer": "Gesprek opnemen", "act.phone.reject": "Gesprek weigeren", "act.phone.hangup": "Ophangen",
    "act.phone.hold": "Wacht / terug", "act.phone.mute": "Dempen aan/uit",
    "act.phone.dtmf": "Toetsen (DTMF)", "act.phone.transfer": "Gesprek doorverbinden",
    "act.phone.consult": "Ruggespraak (start / voltooien)",
    "act.phone.conference": "Driegesprek", "act.phone.dial": "Nummer of collega bellen",
    "act.phone.call_customer": "Klant van dit gesprek bellen",
    "act.phone.settings": "Geluidsinstellingen (headset, testtoon)",
    "phone.palette": "Telefoon: {label}",
    "phone.off": "de softphone staat uit (AGENT_TUI_SOFTPHONE / softphone.start)",
    "phone.failed": "Softphone: {why}", "phone.unavailable": "Softphone niet beschikbaar: {why}",
    "phone.not_logged_in": "niet ingelogd", "phone.headset": "Headset: {why}",
    "phone.command_failed": "Telefoon {command}: {why}",
    "phone.transfer_failed": "Doorverbinden mislukt: {code} {reason}",
    "phone.no_ringing": "Er gaat geen gesprek over", "phone.no_transfer": "Geen gesprek om door te verbinden",
    "phone.not_reached": "Het gesprek heeft de softphone niet bereikt (is hij aangemeld?)",
    "phone.consult_first": "Begin eerst een ruggespraak",
    "phone.no_number": "De klant van dit gesprek heeft geen telefoonnummer",
    "phone.need_registrar": "Uitgaande gesprekken hebben de SIP-registrar van het center nodig (Kamailio). "
                            "Zonder registrar (de demo) neem je de gesprekken aan die je krijgt, en verbind "
                            "je door of overleg je tijdens een gesprek.",
    "phone.wrapup_due": "Gesprek beëindigd — rond gesprek {conversation} af ({shortcut})",
    "prompt.cancel": "Annuleren",
    "prompt.dtmf": "DTMF", "prompt.dtmf_hint": "Cijfers gaan weg terwijl je typt; Enter sluit.",
    "prompt.transfer": "Doorverbinden naar", "prompt.transfer_placeholder": "collega, wachtrij of nummer",
    "prompt.dial": "Bellen", "prompt.dial_placeholder": "nummer, collega (agent2) of sip:uri",
    "audio.title": "Geluidsinstellingen — headset controleren",
    "audio.mic": "Microfoon", "audio.headset": "Headset", "audio.ring_on": "Belgeluid",
    "audio.profile": "Profiel",
    "audio.system_default": "systeemstandaard", "audio.default_device": "standaard",
    "audio.not_found": "{device} (uit de configuratie, nu niet gevonden)",
    "audio.profile_low": "low — laag, ≤ 30 kbit/s (speex/iLBC/GSM)",
    "audio.profile_normal": "normal — breedband G.722",
    "audio.tone": "Testtoon", "audio.ring_test": "Beltest", "audio.save": "Opslaan", "audio.close": "Sluiten",
    "audio.silence": "stilte", "audio.mic_meter": "Microfoon {meter}", "audio.mic_error": "Microfoon: ⚠ {why}",
    "audio.device_error": "⚠ {why}",
    "audio.profile_changed": "Profiel {profile}: geldt vanaf het volgende gesprek.",
    "audio.tone_phone": "Testtoon: 2 s op 1 kHz in de headset (via de telefoon).",
    "audio.playing": "{what}: speelt af op {device} …", "audio.played": "{what}: afgespeeld op {device}.",
    "audio.play_failed": "{what}: ⚠ {why}", "audio.cannot_play": "kan niet afspelen op {device}: {why}",
    "audio.kept": "Bewaard voor deze sessie. Zet dit in je configuratiebestand om het te houden:",
    # storage faults (issue 9 §5)
    "center.read_only": "⚠ de centrale kan geen nieuwe berichten opslaan",
    # meeluisteren door een teamleider (issue 11)
    "call.monitor.listen": "{lead} luistert mee met dit gesprek",
    "call.monitor.whisper": "{lead} luistert mee en kan tegen je praten (de klant hoort dat niet)",
    "call.monitor.barge": "{lead} neemt deel aan het gesprek (de klant hoort hem of haar)",
    "call.monitor.off": "{lead} luistert niet meer mee",
    "call.monitored.listen": "meeluisteren: {lead}", "call.monitored.whisper": "fluisteren: {lead}",
    "call.monitored.barge": "3-weg: {lead}",
}

# Frame sizes (issue 9 §1): paged transcripts and long messages.
EN.update({
    "act.older": "Older messages",
    "conv.older": "↑ Older messages are on the center: {keys} loads the page before.",
    "conv.no_older": "No older messages.",
    "msg.truncated": "… {n} more characters are loading.",
})
NL.update({
    "act.older": "Oudere berichten",
    "conv.older": "↑ Oudere berichten staan op het center: {keys} laadt de pagina ervoor.",
    "conv.no_older": "Geen oudere berichten.",
    "msg.truncated": "… nog {n} tekens worden geladen.",
})

# --- issue 8, the local cache and quitting (vault) ----------------------------------------
EN.update({
    "cache.title": "Local cache",
    "cache.none": "No local cache ({why}). Messages typed while offline and drafts are lost if the desk stops.",
    "quit.title": "Quit agent-tui?",
    "quit.queued": "{n} message(s) not sent yet: kept encrypted on this computer, sent at the next start.",
    "quit.queued_lost": "{n} message(s) not sent yet will be LOST: there is no local cache.",
    "quit.drafts": "{n} unsent draft(s): kept encrypted on this computer for the next start.",
    "quit.drafts_lost": "{n} unsent draft(s) will be LOST: there is no local cache.",
    "quit.open": "{n} open conversation(s): they stay yours for the center's grace period, then go back to the queue.",
    "quit.yes": "Quit", "quit.no": "Stay",
    "login.no_password": "Type your password: none is stored in the OS keyring for this user and server.",
})
NL.update({
    "cache.title": "Lokale opslag",
    "cache.none": "Geen lokale opslag ({why}). Offline getypte berichten en concepten gaan verloren als de desk stopt.",
    "quit.title": "agent-tui afsluiten?",
    "quit.queued": "{n} bericht(en) nog niet verstuurd: versleuteld bewaard op deze computer, verstuurd bij de volgende start.",
    "quit.queued_lost": "{n} bericht(en) nog niet verstuurd gaan VERLOREN: er is geen lokale opslag.",
    "quit.drafts": "{n} onverzonden concept(en): versleuteld bewaard op deze computer voor de volgende start.",
    "quit.drafts_lost": "{n} onverzonden concept(en) gaan VERLOREN: er is geen lokale opslag.",
    "quit.open": "{n} open gesprek(ken): blijven van jou tijdens de wachttijd van het center, gaan daarna terug naar de wachtrij.",
    "quit.yes": "Afsluiten", "quit.no": "Blijven",
    "login.no_password": "Typ je wachtwoord: er staat er geen in de sleutelbos voor deze gebruiker en server.",
})

# --- the team lead's desk (screens/lead*.py, widgets/lead_*.py, the desk's escalate key and announcement bar)
EN.update({
    "act.lead": "Team lead view", "act.escalate": "Escalate to lead", "act.my_tasks": "My tasks",
    "act.ann_read": "Mark announcement read",
    "lead.tab.figures": "Figures", "lead.tab.agents": "Agents", "lead.tab.urgent": "Urgent",
    "lead.tab.urgent_n": "Urgent ({n})", "lead.tab.tasks": "Tasks", "lead.tab.tasks_n": "Tasks ({n})",
    "lead.tab.announce": "Announcements", "lead.tab.kb": "Knowledge",
    "lead.act.back": "Desk", "lead.act.refresh": "Refresh", "lead.act.filter": "Filter",
    "lead.act.sort": "Sort", "lead.act.assign": "Assign", "lead.act.take": "Take myself",
    "lead.act.priority": "Raise priority", "lead.act.new": "New", "lead.act.close_task": "Close task",
    "lead.act.approve": "Approve", "lead.act.reject": "Reject", "lead.act.confirm": "Still correct",
    "lead.act.edit": "Edit article", "lead.act.close": "Close", "lead.act.save": "Save",
    "lead.status": "Team lead {name} · {conn} · my state: {state} · updated {at}",
    "lead.loading": "loading the team figures…", "lead.now": "now",
    "lead.filter_hint": "type to filter", "lead.sorted": "sorted by {by}", "lead.done": "{op}: done",
    "lead.taken": "The conversation is yours, on your desk. You are On contact (no offers) until you wrap it up, "
                  "then back to {state}.",
    "lead.myself": "Myself", "lead.pick_agent": "Assign to", "lead.due_title": "Due at (HH:MM or +minutes)",
    "lead.due_hint": "Enter with nothing: no due time", "lead.new_task": "New task",
    "lead.new_task_hint": "what needs doing", "lead.new_announcement": "New announcement to your teams",
    "lead.new_announcement_hint": "e.g. daily start at 9:00 in the team room", "lead.reject_why": "Why is it rejected?",
    "lead.edit_title": "Edit: {title} (Ctrl+S saves)",
    "lead.hint.urgent": "a assign · t take myself · p raise priority · c close escalation",
    "lead.kb.queue": "Proposed edits (y approve · x reject):", "lead.kb.stale": "Past review date (o still correct · e edit):",
    "fig.queue": "Queue", "fig.channel": "Ch", "fig.in": "In", "fig.handled": "Handled", "fig.waiting": "Wait",
    "fig.abandoned": "Aband.", "fig.longest": "Longest", "fig.sl": "SL", "fig.aht": "AHT", "fig.fcr": "FCR",
    "fig.today_vs": "Today (same weekday last week):", "fig.t.in": "in {v}", "fig.t.handled": "handled {v}",
    "fig.t.waiting": "waiting {v}", "fig.t.abandoned": "abandoned {v}", "fig.t.longest": "longest wait {v}",
    "fig.t.sl": "service level {v}", "fig.t.aht": "AHT {v}", "fig.t.fcr": "first contact {v}",
    "fig.chart.volume": "In (blue), handled (green)", "fig.chart.sl": "Service level %",
    "fig.numbers.volume": "in/handled per 15 min", "fig.numbers.sl": "service level per 15 min",
    "ag.name": "Agent", "ag.team": "Team", "ag.state": "State", "ag.in_state": "For", "ag.hours": "Hours",
    "ag.handled": "Handled", "ag.aht": "AHT", "ag.convs": "Conv. now/max", "ag.timeline": "Today's states",
    "ag.detail": "{state} · {hours} h logged · {handled} handled · AHT {aht} · conversations now/max {convs}",
    "ag.sort.name": "name", "ag.sort.state": "state", "ag.sort.since": "time in state", "ag.sort.hours": "hours",
    "ag.sort.handled": "handled", "ag.sort.aht_s": "AHT", "ag.sort.conversations": "conversations",
    "urg.kind": "Kind", "urg.what": "What", "urg.level": "Level", "urg.since": "For", "urg.prio": "Prio",
    "urg.sla": "SLA", "urg.priority": "Priority customer", "urg.agent": "Agent", "urg.escalation": "Escalation",
    "urg.level.past": "past SLA", "urg.level.near": "near SLA", "urg.level.priority": "priority",
    "urg.level.escalation": "escalated",
    "task.kind": "Kind", "task.title": "Task", "task.assignee": "Assigned to", "task.due": "Due",
    "task.status": "Status", "task.nobody": "nobody", "task.kind.task": "task", "task.kind.escalation": "escalation",
    "task.status.open": "open", "task.status.closed": "closed", "task.conversation": "conversation {c}",
    "kbq.id": "Proposal", "kbq.article": "Article", "kbq.title": "Title", "kbq.by": "By", "kbq.at": "At",
    "kbq.new": "(new)", "kbq.days": "Days since review", "kbq.none": "No proposed edits waiting.",
    "ann.at": "At", "ann.text": "Announcement", "ann.read": "Read", "ann.read_of": "{n} of {of}",
    "ann.read_by": "read by: {who}", "ann.unread_by": "not yet read by: {who}",
    "ann.bar": "ANNOUNCEMENT from {who}: {text}  ({k}: mark read)",
    "esc.title": "Escalate this conversation to your team lead", "esc.hint": "a note for the lead (Enter sends)",
    "esc.sent": "Escalated to your team lead", "esc.none": "Open a conversation first",
    "task.assigned_to_you": "Task for you: {title}", "task.closed_note": "Task closed: {title}",
    "kb.outcome.approved": "Your KB edit was approved: {title}", "kb.outcome.rejected": "Your KB edit was rejected: {title} {why}",
    "mytasks.title": "My tasks", "mytasks.none": "No open tasks.",
})
NL.update({
    "act.lead": "Teamleider-overzicht", "act.escalate": "Escaleren naar teamleider", "act.my_tasks": "Mijn taken",
    "act.ann_read": "Mededeling gelezen",
    "lead.tab.figures": "Cijfers", "lead.tab.agents": "Medewerkers", "lead.tab.urgent": "Spoed",
    "lead.tab.urgent_n": "Spoed ({n})", "lead.tab.tasks": "Taken", "lead.tab.tasks_n": "Taken ({n})",
    "lead.tab.announce": "Mededelingen", "lead.tab.kb": "Kennisbank",
    "lead.act.back": "Desk", "lead.act.refresh": "Vernieuwen", "lead.act.filter": "Filter",
    "lead.act.sort": "Sorteren", "lead.act.assign": "Toewijzen", "lead.act.take": "Zelf oppakken",
    "lead.act.priority": "Prioriteit omhoog", "lead.act.new": "Nieuw", "lead.act.close_task": "Taak sluiten",
    "lead.act.approve": "Goedkeuren", "lead.act.reject": "Afwijzen", "lead.act.confirm": "Klopt nog",
    "lead.act.edit": "Artikel bewerken", "lead.act.close": "Sluiten", "lead.act.save": "Opslaan",
    "lead.status": "Teamleider {name} · {conn} · mijn status: {state} · bijgewerkt {at}",
    "lead.loading": "teamcijfers laden…", "lead.now": "nu",
    "lead.filter_hint": "typ om te filteren", "lead.sorted": "gesorteerd op {by}", "lead.done": "{op}: gedaan",
    "lead.taken": "Het gesprek is van jou, op je desk. Je bent In gesprek (geen aanbiedingen) tot je het afrondt, "
                  "daarna weer {state}.",
    "lead.myself": "Ikzelf", "lead.pick_agent": "Toewijzen aan", "lead.due_title": "Klaar om (UU:MM of +minuten)",
    "lead.due_hint": "Enter zonder tekst: geen tijd", "lead.new_task": "Nieuwe taak",
    "lead.new_task_hint": "wat moet er gebeuren", "lead.new_announcement": "Nieuwe mededeling aan je teams",
    "lead.new_announcement_hint": "bijv. dagstart om 9:00 in de teamroom", "lead.reject_why": "Waarom afgewezen?",
    "lead.edit_title": "Bewerken: {title} (Ctrl+S bewaart)",
    "lead.hint.urgent": "a toewijzen · t zelf oppakken · p prioriteit omhoog · c escalatie sluiten",
    "lead.kb.queue": "Voorgestelde wijzigingen (y goedkeuren · x afwijzen):",
    "lead.kb.stale": "Controledatum verstreken (o klopt nog · e bewerken):",
    "fig.queue": "Wachtrij", "fig.channel": "Kan.", "fig.in": "In", "fig.handled": "Afgehandeld", "fig.waiting": "Wacht",
    "fig.abandoned": "Afgebr.", "fig.longest": "Langst", "fig.sl": "SL", "fig.aht": "AHT", "fig.fcr": "FCR",
    "fig.today_vs": "Vandaag (zelfde dag vorige week):", "fig.t.in": "in {v}", "fig.t.handled": "afgehandeld {v}",
    "fig.t.waiting": "wachtend {v}", "fig.t.abandoned": "afgebroken {v}", "fig.t.longest": "langste wacht {v}",
    "fig.t.sl": "serviceniveau {v}", "fig.t.aht": "AHT {v}", "fig.t.fcr": "eerste contact {v}",
    "fig.chart.volume": "In (blauw), afgehandeld (groen)", "fig.chart.sl": "Serviceniveau %",
    "fig.numbers.volume": "in/afgehandeld per kwartier", "fig.numbers.sl": "serviceniveau per kwartier",
    "ag.name": "Medewerker", "ag.team": "Team", "ag.state": "Status", "ag.in_state": "Sinds", "ag.hours": "Uren",
    "ag.handled": "Afgeh.", "ag.aht": "AHT", "ag.convs": "Gespr. nu/max", "ag.timeline": "Statussen vandaag",
    "ag.detail": "{state} · {hours} u ingelogd · {handled} afgehandeld · AHT {aht} · gesprekken nu/max {convs}",
    "ag.sort.name": "naam", "ag.sort.state": "status", "ag.sort.since": "tijd in status", "ag.sort.hours": "uren",
    "ag.sort.handled": "afgehandeld", "ag.sort.aht_s": "AHT", "ag.sort.conversations": "gesprekken",
    "urg.kind": "Soort", "urg.what": "Wat", "urg.level": "Niveau", "urg.since": "Sinds", "urg.prio": "Prio",
    "urg.sla": "SLA", "urg.priority": "Voorrangsklant", "urg.agent": "Medewerker", "urg.escalation": "Escalatie",
    "urg.level.past": "SLA voorbij", "urg.level.near": "bijna SLA", "urg.level.priority": "voorrang",
    "urg.level.escalation": "geëscaleerd",
    "task.kind": "Soort", "task.title": "Taak", "task.assignee": "Toegewezen aan", "task.due": "Klaar om",
    "task.status": "Status", "task.nobody": "niemand", "task.kind.task": "taak", "task.kind.escalation": "escalatie",
    "task.status.open": "open", "task.status.closed": "gesloten", "task.conversation": "gesprek {c}",
    "kbq.id": "Voorstel", "kbq.article": "Artikel", "kbq.title": "Titel", "kbq.by": "Door", "kbq.at": "Om",
    "kbq.new": "(nieuw)", "kbq.days": "Dagen sinds controle", "kbq.none": "Geen voorgestelde wijzigingen.",
    "ann.at": "Om", "ann.text": "Mededeling", "ann.read": "Gelezen", "ann.read_of": "{n} van {of}",
    "ann.read_by": "gelezen door: {who}", "ann.unread_by": "nog niet gelezen door: {who}",
    "ann.bar": "MEDEDELING van {who}: {text}  ({k}: gelezen)",
    "esc.title": "Dit gesprek escaleren naar je teamleider", "esc.hint": "een notitie voor de teamleider (Enter verstuurt)",
    "esc.sent": "Geëscaleerd naar je teamleider", "esc.none": "Open eerst een gesprek",
    "task.assigned_to_you": "Taak voor jou: {title}", "task.closed_note": "Taak gesloten: {title}",
    "kb.outcome.approved": "Je kennisbankwijziging is goedgekeurd: {title}",
    "kb.outcome.rejected": "Je kennisbankwijziging is afgewezen: {title} {why}",
    "mytasks.title": "Mijn taken", "mytasks.none": "Geen open taken.",
})
# voice (issue 10): the call bar's dead-air warning
EN.update({"call.no_audio": "NO AUDIO FROM THE OTHER SIDE"})
NL.update({"call.no_audio": "GEEN GELUID VAN DE ANDERE KANT"})

TABLES = {"en": EN, "nl": NL}


def set_language(lang: str) -> None:
    """Switch the UI language (``en`` or ``nl``; anything else means English)."""
    global _LANG
    _LANG = lang if lang in TABLES else "en"


def language() -> str:
    return _LANG


def t(key: str, **values: object) -> str:
    """The UI string ``key`` in the current language, with ``{name}`` fields filled in."""
    text = TABLES[_LANG].get(key) or EN.get(key) or key
    return text.format(**values) if values else text


def t_or(key: str, default: str) -> str:
    """``default`` (English text from the center, e.g. a wrap-up code's label) in the current
    language: the table's ``key`` when not English and known, else ``default`` as it is."""
    return (TABLES[_LANG].get(key) if _LANG != "en" else None) or default


def state_word(state: str) -> str:
    """An agent state in words (``available`` -> ``Available`` / ``Beschikbaar``)."""
    key = f"state.{state}"
    return t(key) if key in EN else str(state)

# --- issue 8, the footer at narrow widths (shift): short labels, the keys an agent needs first ---
EN.update({
    "key.short.accept": "Accept", "key.short.decline": "Decline", "key.short.choose_state": "State",
    "key.short.send": "Send", "key.short.wrapup": "Wrap up", "key.short.knowledge": "KB",
    "key.short.toggle_note": "Note", "key.short.transfer": "Transfer", "key.short.show_conversations": "Convs",
    "key.short.show_colleagues": "People", "key.short.show_team": "Team", "key.short.help": "Help",
    "key.short.quit": "Quit",
})
NL.update({
    "key.short.accept": "Aannemen", "key.short.decline": "Weigeren", "key.short.choose_state": "Status",
    "key.short.send": "Stuur", "key.short.wrapup": "Afronden", "key.short.knowledge": "KB",
    "key.short.toggle_note": "Notitie", "key.short.transfer": "Doorv.", "key.short.show_conversations": "Gespr.",
    "key.short.show_colleagues": "Collega's", "key.short.show_team": "Team", "key.short.help": "Help",
    "key.short.quit": "Stop",
})

# --- issue 11, the lead's own monitoring leg (kammon): call bar, lead view keys ---
EN.update({
    "call.monitoring.listen": "Listening to {agent} (conversation {conversation})",
    "call.monitoring.whisper": "Whispering to {agent} (conversation {conversation})",
    "call.monitoring.barge": "3-way with {agent} and the customer (conversation {conversation})",
    "call.reason.monitor_failed": "monitoring did not start",
    "lead.act.listen": "Listen", "lead.act.whisper": "Whisper", "lead.act.barge": "Barge in",
    "lead.monitor.pick": "Pick an agent in the Agents tab first.",
    "lead.monitor.no_phone": "Monitoring needs the desk's softphone.",
})
NL.update({
    "call.monitoring.listen": "Meeluisteren met {agent} (gesprek {conversation})",
    "call.monitoring.whisper": "Fluisteren tegen {agent} (gesprek {conversation})",
    "call.monitoring.barge": "3-weg met {agent} en de klant (gesprek {conversation})",
    "call.reason.monitor_failed": "meeluisteren is niet gestart",
    "lead.act.listen": "Meeluisteren", "lead.act.whisper": "Fluisteren", "lead.act.barge": "Inbreken",
    "lead.monitor.pick": "Kies eerst een medewerker op het tabblad Medewerkers.",
    "lead.monitor.no_phone": "Meeluisteren kan alleen met de softphone van de desk.",
})
