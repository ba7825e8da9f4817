"""Demo knowledge base: answers of "Polder Energie & Net", a fictional Dutch energy and
internet provider.

Each topic exists in English and Dutch (``kb-en-NNNN`` and ``kb-nl-NNNN`` share the number, so an
agent can switch language for the same answer).  Review dates are stored as an *age in days* and
turned into timestamps at seeding time, so the demo always has articles that have not been
reviewed for more than a year (the supervisor's "stale" list) no matter when it is run.

The facts used throughout (keep them consistent when editing):
customer portal "Mijn Polder" (mijn.polderenet.nl) and the Polder app; service line 088 765 4321
(Mon-Fri 08:00-20:00, Sat 09:00-17:00); outage line 0800 7653 (24/7); direct debit on the
25th; invoices on the 1st; modem "PolderBox 6"; TV receiver "PolderTV box"; customer numbers
have 8 digits.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from agent_tui.center.kb import KnowledgeBase

# (tags, age_days, en_title, en_body, nl_title, nl_body)
# age_days is the age of the English review; the Dutch text was reviewed a little later or earlier
# (see _NL_AGE_SHIFT) so that both languages do not go stale on the same day.
_TOPICS: list[tuple[tuple[str, ...], int, str, str, str, str]] = [
    # ------------------------------------------------------------------ invoices and payments
    (
        ("invoice", "billing"),
        35,
        "Your invoice explained",
        (
            "Your monthly invoice has three parts: the fixed delivery charges (standing charge "
            "and network costs), your monthly advance for energy use, and any internet, TV or "
            "mobile subscription. Energy taxes and VAT are shown separately at the bottom. The "
            "invoice is dated the 1st of the month and the amount is collected on the 25th if you "
            "pay by direct debit. You find every invoice as a PDF in Mijn Polder under Invoices; "
            "invoices of the last seven years stay available there."
        ),
        "Uw factuur uitgelegd",
        (
            "Uw maandelijkse factuur bestaat uit drie delen: de vaste leveringskosten (vastrecht "
            "en netbeheerkosten), uw termijnbedrag voor energieverbruik en eventuele abonnementen "
            "voor internet, tv of mobiel. Energiebelasting en btw staan apart onderaan. De "
            "factuur heeft als datum de 1e van de maand; bij automatische incasso schrijven wij "
            "het bedrag op de 25e af. Alle facturen staan als pdf in Mijn Polder onder Facturen; "
            "facturen van de afgelopen zeven jaar blijven daar beschikbaar."
        ),
    ),
    (
        ("invoice", "billing", "email"),
        60,
        "Invoice not received",
        (
            "Invoices are sent by e-mail on the 1st of the month from facturen@polderenet.nl. If "
            "you cannot find it: 1) check your spam or junk folder, 2) check in Mijn Polder under "
            "Personal details that your e-mail address is correct, 3) download the invoice "
            "directly in Mijn Polder under Invoices. If the invoice is not in Mijn Polder either, "
            "the billing run for your account may have failed; create a billing ticket so the "
            "back office can issue it again. Not receiving an invoice does not stop the direct "
            "debit."
        ),
        "Factuur niet ontvangen",
        (
            "Wij versturen facturen op de 1e van de maand per e-mail vanaf "
            "facturen@polderenet.nl. Kan de klant de factuur niet vinden: 1) kijk in de map spam "
            "of ongewenste e-mail, 2) controleer in Mijn Polder onder Persoonlijke gegevens of "
            "het e-mailadres klopt, 3) download de factuur direct in Mijn Polder onder Facturen. "
            "Staat de factuur ook niet in Mijn Polder, dan is de facturatie voor dit account "
            "mogelijk mislukt; maak een facturatieticket aan zodat de backoffice hem opnieuw "
            "aanmaakt. Ook zonder ontvangen factuur gaat de automatische incasso gewoon door."
        ),
    ),
    (
        ("invoice", "billing", "usage"),
        120,
        "Invoice higher than expected",
        (
            "A higher invoice usually has one of these causes: the monthly advance was raised "
            "after the annual statement, a one-off charge (installation, a new modem, a "
            "late-payment fee) was added, a promotional discount ended, or usage costs outside a "
            "bundle (mobile data, calls abroad). Open the invoice in Mijn Polder and compare the "
            "lines with last month. If a line is wrong, note the invoice number and the line and "
            "create a billing correction; the customer will receive a corrected invoice within 10 "
            "working days and does not need to pay the disputed part meanwhile."
        ),
        "Factuur hoger dan verwacht",
        (
            "Een hogere factuur heeft meestal een van deze oorzaken: het termijnbedrag is na de "
            "jaarafrekening verhoogd, er staat een eenmalige post op (installatie, een nieuw "
            "modem, aanmaningskosten), een welkomstkorting is afgelopen, of er zijn kosten buiten "
            "de bundel gemaakt (mobiele data, bellen in het buitenland). Open de factuur in Mijn "
            "Polder en vergelijk de regels met vorige maand. Klopt een regel niet, noteer dan het "
            "factuurnummer en de regel en maak een facturatiecorrectie aan; de klant ontvangt "
            "binnen 10 werkdagen een gecorrigeerde factuur en hoeft het betwiste deel zolang niet "
            "te betalen."
        ),
    ),
    (
        ("direct debit", "payment"),
        45,
        "Set up direct debit",
        (
            "With direct debit we collect the invoice amount on the 25th of every month, so the "
            "customer never misses a payment. To set it up: log in to Mijn Polder, go to "
            "Payments, choose Direct debit and enter the IBAN and the account holder's name. The "
            "mandate takes effect for the next invoice that is at least five working days away. "
            "The customer can revoke the mandate at any time in Mijn Polder, and can have a "
            "collected amount reversed by their bank within 56 days."
        ),
        "Automatische incasso instellen",
        (
            "Met automatische incasso schrijven wij het factuurbedrag elke maand op de 25e af, "
            "zodat de klant nooit een betaling vergeet. Zo stelt de klant het in: log in op Mijn "
            "Polder, ga naar Betalingen, kies Automatische incasso en vul het IBAN en de naam van "
            "de rekeninghouder in. De machtiging geldt vanaf de eerstvolgende factuur die "
            "minstens vijf werkdagen later komt. De klant kan de machtiging altijd intrekken in "
            "Mijn Polder en een afgeschreven bedrag binnen 56 dagen via de bank laten "
            "terugboeken."
        ),
    ),
    (
        ("direct debit", "iban", "payment"),
        200,
        "Change bank account (IBAN)",
        (
            "A customer can change the bank account for direct debit in Mijn Polder under "
            "Payments > Bank account. The new IBAN is used from the next collection that is at "
            "least five working days away; an amount already scheduled is still collected from "
            "the old account. If the old account is already closed, ask the customer to pay the "
            "open invoice by iDEAL from Mijn Polder to avoid a failed collection and a reminder "
            "fee. For business accounts the change must be made by the authorised contact person."
        ),
        "Rekeningnummer (IBAN) wijzigen",
        (
            "De klant wijzigt het rekeningnummer voor automatische incasso in Mijn Polder onder "
            "Betalingen > Rekeningnummer. Het nieuwe IBAN geldt vanaf de eerstvolgende incasso "
            "die minstens vijf werkdagen later is; een bedrag dat al klaarstaat, wordt nog van de "
            "oude rekening afgeschreven. Is de oude rekening al opgeheven, vraag de klant dan de "
            "openstaande factuur met iDEAL te betalen vanuit Mijn Polder, zodat er geen mislukte "
            "incasso en aanmaningskosten komen. Bij zakelijke klanten moet de gemachtigde "
            "contactpersoon de wijziging doen."
        ),
    ),
    (
        ("direct debit", "payment", "reminder"),
        90,
        "Direct debit failed or reversed",
        (
            "When a collection fails (insufficient balance, closed account) or the customer "
            "reverses it, the invoice stays open. We do not retry automatically. The customer "
            "gets an e-mail with a payment link the next working day and can pay by iDEAL from "
            "Mijn Polder under Payments > Open invoices. If the invoice is still unpaid 14 days "
            "after the due date, a reminder follows. Tip: if the customer expects a short "
            "shortage, agree a later payment date in the payment screen (up to 14 days) instead "
            "of letting it go to a reminder."
        ),
        "Incasso mislukt of gestorneerd",
        (
            "Als een incasso mislukt (onvoldoende saldo, opgeheven rekening) of de klant hem "
            "terugboekt, blijft de factuur openstaan. Wij incasseren niet automatisch opnieuw. De "
            "klant krijgt de volgende werkdag een e-mail met een betaallink en kan met iDEAL "
            "betalen in Mijn Polder onder Betalingen > Openstaande facturen. Is de factuur 14 "
            "dagen na de vervaldatum nog niet betaald, dan volgt een herinnering. Tip: verwacht "
            "de klant een kort tekort, spreek dan in het betaalscherm een latere betaaldatum af "
            "(tot 14 dagen) in plaats van het te laten aankomen op een herinnering."
        ),
    ),
    (
        ("payment", "ideal", "bank transfer"),
        150,
        "Pay by bank transfer or iDEAL",
        (
            "Customers without direct debit pay each bill (invoice) within 14 days. The fastest "
            "way is iDEAL: in Mijn Polder under Payments > Open invoices, or via the payment link "
            "in the invoice e-mail; the payment is processed at once. A bank transfer also works: "
            "transfer to NL12 POLD 0123 4567 89 in the name of Polder Energie & Net and mention "
            "the 12-digit payment reference on the invoice, not the customer number. Without the "
            "payment reference a transfer can take up to 5 working days to be matched."
        ),
        "Betalen via overschrijving of iDEAL",
        (
            "Klanten zonder automatische incasso betalen elke rekening (factuur) binnen 14 dagen. "
            "Het snelst is iDEAL: in Mijn Polder onder Betalingen > Openstaande facturen, of via "
            "de betaallink in de factuurmail; de betaling is meteen verwerkt. Overmaken kan ook: "
            "naar NL12 POLD 0123 4567 89 ten name van Polder Energie & Net, met het "
            "betalingskenmerk van 12 cijfers op de factuur, niet het klantnummer. Zonder "
            "betalingskenmerk kan het tot 5 werkdagen duren voordat de betaling is verwerkt."
        ),
    ),
    (
        ("reminder", "payment", "fees"),
        75,
        "Payment reminder received",
        (
            "A reminder is sent 14 days after the due date of an unpaid invoice; it has no costs. "
            "If the invoice is still unpaid 14 days after the reminder, a formal demand follows "
            "with the statutory collection costs (at least EUR 40). Advise the customer to pay "
            "the amount on the reminder by iDEAL in Mijn Polder today. Has the customer already "
            "paid? Then the payment and the reminder crossed; ask for the payment date and check "
            "Payments in the back office. If the customer cannot pay at once, offer a payment "
            "plan before the formal demand is sent."
        ),
        "Betalingsherinnering ontvangen",
        (
            "Een herinnering sturen wij 14 dagen na de vervaldatum van een onbetaalde factuur; "
            "daar zijn geen kosten aan verbonden. Is de factuur 14 dagen na de herinnering nog "
            "niet betaald, dan volgt een aanmaning met de wettelijke incassokosten (minimaal 40 "
            "euro). Adviseer de klant het bedrag op de herinnering vandaag met iDEAL te betalen "
            "in Mijn Polder. Heeft de klant al betaald? Dan zijn de betaling en de herinnering "
            "gekruist; vraag naar de betaaldatum en controleer Betalingen in de backoffice. Kan "
            "de klant niet in één keer betalen, bied dan een betalingsregeling aan voordat de "
            "aanmaning verstuurd wordt."
        ),
    ),
    (
        ("payment plan", "debt", "arrears"),
        30,
        "Payment plan for arrears",
        (
            "A customer who cannot pay an open amount at once can spread it over 3 to 12 months. "
            "Conditions: the arrears are at least EUR 100, there is no payment plan running "
            "already, and the monthly invoices keep being paid. Agents can grant up to 6 months "
            "themselves in the back office under Debt > New arrangement; longer plans go to the "
            "Debt team. Confirm the amount per month and the dates in writing. Refer customers "
            "with several debts to free debt help from their municipality (Geldfit, 0800 8115) - "
            "we pause collection while debt counselling is arranged."
        ),
        "Betalingsregeling aanvragen",
        (
            "Een klant die een openstaand bedrag niet in één keer kan betalen, kan het spreiden "
            "over 3 tot 12 maanden. Voorwaarden: de achterstand is minimaal 100 euro, er loopt "
            "nog geen regeling en de maandelijkse facturen worden gewoon betaald. Agents kunnen "
            "zelf tot 6 maanden toekennen in de backoffice onder Schuld > Nieuwe regeling; "
            "langere regelingen gaan naar het team Debiteuren. Bevestig het bedrag per maand en "
            "de data schriftelijk. Verwijs klanten met meerdere schulden naar gratis schuldhulp "
            "van de gemeente (Geldfit, 0800 8115) - wij zetten de incasso stil zolang "
            "schuldhulpverlening wordt geregeld."
        ),
    ),
    (
        ("debt", "collection agency"),
        410,
        "Debt handed to a collection agency",
        (
            "After a formal demand stays unpaid for 14 days, the claim goes to our collection "
            "agency Incasso Noord. From then on the customer must pay or arrange payment with the "
            "agency, not with us; we cannot change amounts or grant plans for claims that have "
            "been handed over. Give the customer the agency's phone number (050 123 9876) and "
            "their file number from the back office (Debt > Claims). If the customer disputes the "
            "claim itself (wrong invoice), create a dispute ticket: the agency then pauses "
            "collection until we have answered."
        ),
        "Schuld overgedragen aan incassobureau",
        (
            "Blijft een aanmaning 14 dagen onbetaald, dan dragen wij de vordering over aan ons "
            "incassobureau Incasso Noord. Vanaf dat moment betaalt de klant aan of regelt de "
            "klant de betaling met het incassobureau, niet met ons; wij kunnen bedragen en "
            "regelingen voor overgedragen vorderingen niet meer aanpassen. Geef de klant het "
            "telefoonnummer van het bureau (050 123 9876) en het dossiernummer uit de backoffice "
            "(Schuld > Vorderingen). Betwist de klant de vordering zelf (onjuiste factuur), maak "
            "dan een geschilticket aan: het incassobureau zet de incasso stil tot wij hebben "
            "geantwoord."
        ),
    ),
    (
        ("advance payment", "billing", "energy"),
        55,
        "Change your monthly advance payment",
        (
            "The monthly advance (termijnbedrag) is our estimate of one twelfth of the yearly "
            "energy costs. Customers can change it themselves in Mijn Polder under Energy > "
            "Monthly amount, within a range of 20% below to 50% above our advice. A lower amount "
            "means a bigger bill at the annual statement, so check the meter readings first: the "
            "app shows the expected annual statement based on recent readings. The new amount "
            "applies from the next invoice. Outside the range, an agent can set it after checking "
            "the readings with the customer."
        ),
        "Termijnbedrag aanpassen",
        (
            "Het termijnbedrag is onze schatting van een twaalfde van de jaarlijkse "
            "energiekosten. Klanten passen het zelf aan in Mijn Polder onder Energie > "
            "Maandbedrag, tussen 20% lager en 50% hoger dan ons advies. Een lager bedrag betekent "
            "een hogere rekening bij de jaarafrekening, dus kijk eerst naar de meterstanden: de "
            "app toont de verwachte jaarafrekening op basis van recente standen. Het nieuwe "
            "bedrag geldt vanaf de volgende factuur. Buiten die grenzen kan een agent het "
            "instellen na controle van de meterstanden met de klant."
        ),
    ),
    (
        ("annual statement", "billing", "energy"),
        140,
        "Annual statement explained",
        (
            "Once a year, and when a contract ends, we send an annual statement (jaarafrekening). "
            "It compares the energy actually used, from the meter readings, with the monthly "
            "advances paid. The difference is settled: the customer gets money back or pays "
            "extra. The statement also shows the new monthly advance for the coming year. "
            "Readings come from the smart meter automatically; for an old meter we ask the "
            "customer for readings two weeks before the statement date. If a reading was "
            "estimated, the statement says so and the customer can correct it within 6 weeks."
        ),
        "Jaarafrekening uitgelegd",
        (
            "Eén keer per jaar, en als een contract eindigt, sturen wij een jaarafrekening. "
            "Daarin vergelijken wij het werkelijke verbruik, uit de meterstanden, met de betaalde "
            "termijnbedragen. Het verschil wordt verrekend: de klant krijgt geld terug of betaalt "
            "bij. Op de jaarafrekening staat ook het nieuwe termijnbedrag voor het komende jaar. "
            "Bij een slimme meter komen de standen automatisch binnen; bij een oude meter vragen "
            "wij twee weken voor de afrekendatum om standen. Is een stand geschat, dan staat dat "
            "erbij en kan de klant die binnen 6 weken corrigeren."
        ),
    ),
    (
        ("refund", "annual statement", "billing"),
        260,
        "Refund after the annual statement",
        (
            "When the annual statement shows a credit, we pay it into the customer's bank account "
            "within 14 days of the statement date, minus any open invoices. The refund goes to "
            "the IBAN known for direct debit; customers who pay by transfer get it on the account "
            "of their last payment. If the refund has not arrived after 14 days, check in the "
            "back office (Billing > Payouts) whether it was blocked by an open amount or a "
            "missing IBAN, and add the IBAN if needed; the payout run happens every Tuesday and "
            "Friday."
        ),
        "Terugbetaling na de jaarafrekening",
        (
            "Als de jaarafrekening een tegoed laat zien, storten wij dat binnen 14 dagen na de "
            "afrekendatum op de bankrekening van de klant, na aftrek van openstaande facturen. "
            "Het geld gaat naar het IBAN van de automatische incasso; klanten die zelf overmaken "
            "krijgen het op de rekening van hun laatste betaling. Is het na 14 dagen nog niet "
            "binnen, kijk dan in de backoffice (Facturatie > Uitbetalingen) of het is "
            "tegengehouden door een openstaand bedrag of een ontbrekend IBAN en vul het IBAN zo "
            "nodig aan; uitbetalingen gaan elke dinsdag en vrijdag."
        ),
    ),
    (
        ("invoice", "paper", "billing"),
        530,
        "Paper invoice by post",
        (
            "Invoices are digital by default. A customer can ask for a paper invoice by post in "
            "Mijn Polder under Personal details > Invoice preferences, or an agent can switch it "
            "in the back office. Paper invoices cost EUR 1.50 per invoice, except for customers "
            "aged 75 or over and customers who have no internet access at home - for them it is "
            "free; note the reason in the account. The first paper invoice is sent with the next "
            "invoice run on the 1st."
        ),
        "Papieren factuur per post",
        (
            "Facturen zijn standaard digitaal. Een klant kan een papieren factuur per post "
            "aanvragen in Mijn Polder onder Persoonlijke gegevens > Factuurvoorkeur, of een agent "
            "zet het om in de backoffice. Een papieren factuur kost 1,50 euro per factuur, "
            "behalve voor klanten van 75 jaar of ouder en klanten zonder internet thuis - voor "
            "hen is het gratis; noteer de reden in het account. De eerste papieren factuur gaat "
            "mee met de volgende factuurrun op de 1e."
        ),
    ),
    # ------------------------------------------------------------------ energy
    (
        ("power outage", "electricity", "outage"),
        20,
        "Power outage",
        (
            "In a power outage, first check whether it is only the customer's home: are the "
            "neighbours' lights on? If only this home is dark, check the fuse box: a tripped "
            "earth-leakage switch (aardlekschakelaar) is the most common cause; switch off all "
            "groups, reset the main switch, then switch the groups on one by one to find the "
            "faulty appliance. If the whole street is dark, it is a grid failure: the network "
            "operator repairs it, not Polder. Refer to the national outage number 0800 9009 or "
            "storingen.nl for the expected repair time."
        ),
        "Stroomstoring",
        (
            "Bij een stroomstoring kijkt de klant eerst of het alleen bij hem is: branden de "
            "lampen bij de buren? Is alleen dit huis donker, kijk dan in de meterkast: een "
            "doorgeslagen aardlekschakelaar is de meest voorkomende oorzaak; zet alle groepen "
            "uit, zet de hoofdschakelaar terug en zet de groepen een voor een weer aan om het "
            "defecte apparaat te vinden. Is de hele straat donker, dan is het een storing in het "
            "net: die lost de netbeheerder op, niet Polder. Verwijs naar het landelijke "
            "storingsnummer 0800 9009 of storingen.nl voor de verwachte hersteltijd."
        ),
    ),
    (
        ("gas", "emergency", "outage"),
        15,
        "Smell of gas or gas outage",
        (
            "If a customer smells gas: tell them to leave the house now, not to use light "
            "switches, doorbells or phones inside, to open doors and windows if that is safe, and "
            "to call the gas emergency number 0800 9009 from outside. Do not keep the customer on "
            "the line first. For a gas outage without a gas smell (no heating, no hot water, "
            "stove does not light), check whether the neighbours have gas; if not, it is a "
            "network failure reported at 0800 9009. If only this home has no gas, the gas meter "
            "valve may have closed after a pressure drop - the network operator reopens it."
        ),
        "Gaslucht of gasstoring",
        (
            "Ruikt een klant gas: zeg dat hij nu het huis verlaat, geen lichtschakelaars, deurbel "
            "of telefoon binnen gebruikt, deuren en ramen openzet als dat veilig kan en van "
            "buiten het nummer voor gaslucht 0800 9009 belt. Houd de klant niet eerst aan de "
            "lijn. Bij een gasstoring zonder gaslucht (geen verwarming, geen warm water, fornuis "
            "werkt niet) kijkt de klant of de buren gas hebben; zo niet, dan is het een storing "
            "in het net die bij 0800 9009 gemeld wordt. Heeft alleen dit huis geen gas, dan is de "
            "gasmeter mogelijk dichtgegaan na een drukval - de netbeheerder opent hem weer."
        ),
    ),
    (
        ("meter reading", "energy"),
        50,
        "Submit a meter reading",
        (
            "Customers with an old (non-smart) meter submit readings in Mijn Polder or the app "
            "under Energy > Meter readings, or by replying to our reading request e-mail. They "
            "need: the electricity reading (for a double-rate meter both the normal and the low "
            "rate, T1 and T2), the gas reading in m3 without the red digits after the comma, and "
            "the reading date. A photo of the meter can be uploaded in the app. Readings more "
            "than 25% off the expected value are checked by the back office before they are used."
        ),
        "Meterstand doorgeven",
        (
            "Klanten met een oude (niet-slimme) meter geven hun meterstanden door in Mijn Polder "
            "of de app onder Energie > Meterstanden, of door te antwoorden op onze e-mail met het "
            "verzoek om standen. Ze hebben nodig: de stroomstand (bij een dubbele meter zowel "
            "normaal als dal, T1 en T2), de gasstand in m3 zonder de rode cijfers achter de "
            "komma, en de datum van aflezen. In de app kan een foto van de meter worden geüpload. "
            "Standen die meer dan 25% afwijken van de verwachting controleert de backoffice "
            "voordat ze gebruikt worden."
        ),
    ),
    (
        ("smart meter", "meter reading", "energy"),
        380,
        "Smart meter questions",
        (
            "A smart meter sends readings to the network operator automatically; we receive them "
            "daily (with the customer's consent) or at least every two months. Customers see "
            "their usage per day in the app. A smart meter is placed free of charge by the "
            "network operator; to request one the customer contacts their network operator, not "
            "Polder. If readings stop arriving, the meter's mobile or power-line connection may "
            "be broken; report it to the network operator and ask the customer to submit readings "
            "manually meanwhile."
        ),
        "Vragen over de slimme meter",
        (
            "Een slimme meter stuurt de meterstanden automatisch naar de netbeheerder; wij "
            "ontvangen ze dagelijks (met toestemming van de klant) of ten minste elke twee "
            "maanden. Klanten zien hun verbruik per dag in de app. De netbeheerder plaatst een "
            "slimme meter gratis; daarvoor neemt de klant contact op met de netbeheerder, niet "
            "met Polder. Komen er geen standen meer binnen, dan is de verbinding van de meter "
            "mogelijk kapot; meld het bij de netbeheerder en vraag de klant zolang zelf "
            "meterstanden door te geven."
        ),
    ),
    (
        ("meter reading", "dispute", "energy"),
        300,
        "Meter reading seems wrong",
        (
            "If a customer thinks a meter reading on the annual statement is wrong, first compare "
            "it with a photo or reading of the meter today: usage between the two dates must be "
            "plausible. If the statement used an estimated reading, enter the customer's reading "
            "in the back office (Energy > Correct reading) and a corrected statement follows "
            "within 10 working days. If a smart meter reading itself seems wrong, the network "
            "operator must investigate; they can test the meter, which is free if the meter is "
            "faulty and costs about EUR 100 if it is not."
        ),
        "Meterstand klopt niet",
        (
            "Denkt een klant dat een meterstand op de jaarafrekening niet klopt, vergelijk die "
            "dan eerst met een foto of aflezing van de meter van vandaag: het verbruik tussen "
            "beide datums moet aannemelijk zijn. Is er een geschatte stand gebruikt, voer dan de "
            "stand van de klant in de backoffice in (Energie > Stand corrigeren); binnen 10 "
            "werkdagen volgt een gecorrigeerde afrekening. Lijkt de stand van een slimme meter "
            "zelf onjuist, dan moet de netbeheerder het onderzoeken; die kan de meter testen, "
            "gratis als de meter defect is en ongeveer 100 euro als hij goed blijkt."
        ),
    ),
    (
        ("prices", "tariffs", "energy"),
        25,
        "Energy prices and tariffs",
        (
            "Current tariffs per kWh and per m3, including energy tax and VAT, are on "
            "polderenet.nl/tarieven and, for the customer's own contract, in Mijn Polder under "
            "Contract > Tariffs. A variable contract follows the market and can change on the 1st "
            "of January and the 1st of July; customers are told at least 30 days before. A fixed "
            "contract keeps the supply price for the whole term; taxes and network costs can "
            "still change by law. Standing charges and network costs are the same for fixed and "
            "variable contracts."
        ),
        "Energietarieven",
        (
            "De actuele tarieven per kWh en per m3, inclusief energiebelasting en btw, staan op "
            "polderenet.nl/tarieven en voor het eigen contract van de klant in Mijn Polder onder "
            "Contract > Tarieven. Een variabel contract volgt de markt en kan veranderen op 1 "
            "januari en 1 juli; klanten horen dat minstens 30 dagen van tevoren. Een vast "
            "contract houdt de leveringsprijs de hele looptijd gelijk; belastingen en "
            "netbeheerkosten kunnen wel wettelijk veranderen. Vastrecht en netbeheerkosten zijn "
            "gelijk voor vaste en variabele contracten."
        ),
    ),
    (
        ("contract", "fixed", "variable", "energy"),
        95,
        "Fixed or variable energy contract",
        (
            "A fixed contract (1 or 3 years) gives price certainty; ending it early costs a "
            "cancellation fee of EUR 50 to EUR 125 depending on the remaining term, except when "
            "moving house. A variable contract can be ended at any time with 30 days' notice and "
            "no fee, but the price can change twice a year. Customers who want to switch from "
            "variable to fixed can do so in Mijn Polder under Contract > Change; the new contract "
            "starts on the 1st of the next month. Switching from fixed to variable before the end "
            "date counts as early termination."
        ),
        "Vast of variabel energiecontract",
        (
            "Een vast contract (1 of 3 jaar) geeft zekerheid over de prijs; voortijdig opzeggen "
            "kost een opzegvergoeding van 50 tot 125 euro, afhankelijk van de resterende "
            "looptijd, behalve bij verhuizing. Een variabel contract is altijd opzegbaar met 30 "
            "dagen opzegtermijn en zonder kosten, maar de prijs kan twee keer per jaar "
            "veranderen. Wie van variabel naar vast wil, doet dat in Mijn Polder onder Contract > "
            "Wijzigen; het nieuwe contract begint op de 1e van de volgende maand. Van vast naar "
            "variabel voor de einddatum geldt als voortijdig opzeggen."
        ),
    ),
    (
        ("prices", "price change", "energy"),
        160,
        "Price change letter",
        (
            "When variable prices change we send every affected customer a letter or e-mail at "
            "least 30 days in advance, with the old and new prices and the new advised monthly "
            "amount. Customers do not need to do anything; the monthly advance is adjusted "
            "automatically unless they set their own amount. Customers who do not agree may end "
            "the variable contract without a fee before the change takes effect. Explain that "
            "taxes set by the government (energy tax, VAT) are passed on as they are."
        ),
        "Brief over prijswijziging",
        (
            "Als de variabele prijzen veranderen, sturen wij iedere betrokken klant minstens 30 "
            "dagen van tevoren een brief of e-mail met de oude en nieuwe prijzen en het nieuwe "
            "geadviseerde termijnbedrag. De klant hoeft niets te doen; het termijnbedrag wordt "
            "automatisch aangepast, tenzij de klant een eigen bedrag heeft ingesteld. Klanten die "
            "het er niet mee eens zijn, mogen het variabele contract kosteloos opzeggen voordat "
            "de wijziging ingaat. Leg uit dat belastingen van de overheid (energiebelasting, btw) "
            "ongewijzigd worden doorberekend."
        ),
    ),
    (
        ("solar panels", "feed-in", "energy"),
        40,
        "Solar panels and feeding back to the grid",
        (
            "Electricity from solar panels that the customer does not use at once flows back to "
            "the grid (feed-in). Until 1 January 2027 the net metering scheme (salderen) applies: "
            "the kWh fed back are deducted from the kWh taken from the grid on the annual "
            "statement. The customer needs a meter that registers feed-in: a smart meter does; an "
            "old turning-disc meter must be replaced by the network operator. In the app, Energy "
            "> Solar shows production fed back per day for smart-meter customers."
        ),
        "Zonnepanelen en terugleveren",
        (
            "Stroom uit zonnepanelen die de klant niet meteen gebruikt, gaat terug het net op "
            "(terugleveren). Tot 1 januari 2027 geldt de salderingsregeling: de teruggeleverde "
            "kWh worden op de jaarafrekening afgetrokken van de kWh die van het net zijn "
            "afgenomen. De klant heeft een meter nodig die teruglevering registreert: een slimme "
            "meter doet dat; een oude draaischijfmeter moet de netbeheerder vervangen. In de app "
            "toont Energie > Zonnepanelen de teruglevering per dag voor klanten met een slimme "
            "meter."
        ),
    ),
    (
        ("solar panels", "feed-in", "costs"),
        70,
        "Feed-in costs for solar panels",
        (
            "Customers who feed back electricity pay feed-in costs (terugleverkosten) per kWh fed "
            "back, in steps: up to 500 kWh a year is free, then EUR 0.08 per kWh. The costs are "
            "shown as a separate line on the annual statement and included in the monthly advance "
            "from the first statement after installation. Customers with large installations can "
            "lower these costs by using more electricity during the day, for example with a timer "
            "on the washing machine or a home battery."
        ),
        "Terugleverkosten bij zonnepanelen",
        (
            "Klanten die stroom terugleveren betalen terugleverkosten per teruggeleverde kWh, in "
            "stappen: tot 500 kWh per jaar is gratis, daarboven 0,08 euro per kWh. De kosten "
            "staan als aparte regel op de jaarafrekening en zitten vanaf de eerste afrekening na "
            "installatie in het termijnbedrag. Klanten met een grote installatie kunnen deze "
            "kosten verlagen door overdag meer stroom te gebruiken, bijvoorbeeld met een timer op "
            "de wasmachine of een thuisbatterij."
        ),
    ),
    (
        ("solar panels", "registration"),
        460,
        "Register new solar panels",
        (
            "After installing solar panels the customer registers them on energieleveren.nl (the "
            "network operators' national register) with the installer's details and the "
            "inverter's capacity. The network operator passes this on to us; we then adjust the "
            "monthly advance, usually lower. It can take up to 6 weeks before the registration "
            "reaches us. Customers do not need to tell Polder separately, but they may send the "
            "registration confirmation to speed up the new advance."
        ),
        "Nieuwe zonnepanelen aanmelden",
        (
            "Na installatie meldt de klant de zonnepanelen aan op energieleveren.nl (het "
            "landelijke register van de netbeheerders) met de gegevens van de installateur en het "
            "vermogen van de omvormer. De netbeheerder geeft dat aan ons door; wij passen daarna "
            "het termijnbedrag aan, meestal lager. Het kan tot 6 weken duren voordat de "
            "aanmelding bij ons is. De klant hoeft het niet apart aan Polder te melden, maar mag "
            "de bevestiging sturen om het nieuwe termijnbedrag te versnellen."
        ),
    ),
    (
        ("saving", "energy", "tips"),
        600,
        "Tips to save energy",
        (
            "Simple steps that lower the energy bill: set the thermostat one degree lower (about "
            "6% less gas), lower the boiler's flow temperature to 60 degrees, shorten showers to "
            "5 minutes, switch devices off instead of standby, and seal draughts around doors and "
            "windows. The app's usage graph helps to find peaks. Homeowners can check subsidies "
            "for insulation and heat pumps at verbeterjehuis.nl. Agents can send this article "
            "with the usage overview from Mijn Polder."
        ),
        "Tips om energie te besparen",
        (
            "Eenvoudige stappen die de energierekening verlagen: zet de thermostaat een graad "
            "lager (ongeveer 6% minder gas), zet de aanvoertemperatuur van de cv-ketel op 60 "
            "graden, douche korter dan 5 minuten, zet apparaten uit in plaats van op stand-by en "
            "dicht kieren bij deuren en ramen. De verbruiksgrafiek in de app helpt om pieken te "
            "vinden. Huiseigenaren kunnen op verbeterjehuis.nl subsidies voor isolatie en "
            "warmtepompen bekijken. Agents kunnen dit artikel meesturen met het "
            "verbruiksoverzicht uit Mijn Polder."
        ),
    ),
    (
        ("dynamic", "tariffs", "energy"),
        85,
        "Dynamic energy contract",
        (
            "With a dynamic contract the electricity price changes every hour and the gas price "
            "every day, following the wholesale market plus a fixed fee of EUR 5.99 per month. "
            "Prices for the next day are in the app from 15:00. It suits customers who can shift "
            "usage (electric car, heat pump, home battery) to cheap hours. Risk: in a cold week "
            "prices can be much higher than a fixed contract. The contract can be ended monthly "
            "without a fee. A smart meter that sends readings daily is required."
        ),
        "Dynamisch energiecontract",
        (
            "Bij een dynamisch contract verandert de stroomprijs elk uur en de gasprijs elke dag, "
            "volgens de groothandelsmarkt plus een vaste vergoeding van 5,99 euro per maand. De "
            "prijzen voor morgen staan vanaf 15:00 uur in de app. Het past bij klanten die hun "
            "verbruik kunnen verschuiven naar goedkope uren (elektrische auto, warmtepomp, "
            "thuisbatterij). Risico: in een koude week kunnen de prijzen veel hoger zijn dan bij "
            "een vast contract. Het contract is maandelijks kosteloos opzegbaar. Een slimme meter "
            "die dagelijks standen doorgeeft is verplicht."
        ),
    ),
    (
        ("electric car", "charging", "energy"),
        220,
        "Charging an electric car at home",
        (
            "Charging at home with a charge point is cheapest during the night and, on a dynamic "
            "contract, in the hours with the lowest prices. A home charge point uses 3.7 to 11 "
            "kW; check that the main connection (usually 3x25 A) and the fuse groups can carry it "
            "- an installer decides this. Polder does not sell charge points. The usage simply "
            "counts as household electricity; employers who reimburse charging need the charge "
            "point's own kWh report, not the Polder invoice."
        ),
        "Elektrische auto thuis laden",
        (
            "Thuis laden met een laadpaal is het goedkoopst 's nachts en, bij een dynamisch "
            "contract, in de uren met de laagste prijs. Een laadpaal thuis gebruikt 3,7 tot 11 "
            "kW; controleer of de aansluiting (meestal 3x25 A) en de groepen dat aankunnen - een "
            "installateur beoordeelt dat. Polder verkoopt geen laadpalen. Het verbruik telt "
            "gewoon als huishoudelijk stroomverbruik; werkgevers die laden vergoeden hebben het "
            "kWh-overzicht van de laadpaal zelf nodig, niet de factuur van Polder."
        ),
    ),
    # ------------------------------------------------------------------ moving house
    (
        ("moving", "move", "energy"),
        28,
        "Moving house: take your energy contract along",
        (
            "Customers who move take their energy contract to the new address without a fee, also "
            "during a fixed term. They report the move at least 2 weeks ahead in Mijn Polder "
            "under Moving, with the new address, the key handover date and, if possible, the "
            "meter readings of both homes on that day. Supply at the old address stops on the "
            "handover date. The monthly advance is recalculated for the new home. If the new home "
            "already has another supplier, we arrange the switch."
        ),
        "Verhuizen: energiecontract meenemen",
        (
            "Klanten die verhuizen nemen hun energiecontract kosteloos mee naar het nieuwe adres, "
            "ook tijdens een vaste looptijd. Ze geven de verhuizing minstens 2 weken van tevoren "
            "door in Mijn Polder onder Verhuizen, met het nieuwe adres, de datum van de "
            "sleuteloverdracht en zo mogelijk de meterstanden van beide woningen op die dag. De "
            "levering op het oude adres stopt op de overdrachtsdatum. Het termijnbedrag wordt "
            "opnieuw berekend voor de nieuwe woning. Heeft de nieuwe woning al een andere "
            "leverancier, dan regelen wij de overstap."
        ),
    ),
    (
        ("moving", "move", "internet"),
        65,
        "Moving house: internet and TV",
        (
            "Internet and TV move along too. Report the move at least 4 weeks ahead in Mijn "
            "Polder under Moving, because the new address may need an engineer visit. We check "
            "which connection is available (fiber or DSL); if the speed at the new address is "
            "lower, the customer may change or end the subscription without a fee. The customer "
            "takes the PolderBox and TV box along and connects them on the activation date. If "
            "the new address has no connection from us at all, the contract ends on the moving "
            "date without a cancellation fee."
        ),
        "Verhuizen: internet en tv",
        (
            "Internet en tv verhuizen ook mee. Geef de verhuizing minstens 4 weken van tevoren "
            "door in Mijn Polder onder Verhuizen, omdat op het nieuwe adres mogelijk een monteur "
            "nodig is. Wij kijken welke aansluiting er is (glasvezel of DSL); is de snelheid op "
            "het nieuwe adres lager, dan mag de klant het abonnement kosteloos wijzigen of "
            "opzeggen. De klant neemt de PolderBox en de tv-ontvanger mee en sluit ze aan op de "
            "activatiedatum. Kunnen wij op het nieuwe adres helemaal geen aansluiting leveren, "
            "dan eindigt het contract op de verhuisdatum zonder opzegkosten."
        ),
    ),
    (
        ("moving", "abroad", "cancellation"),
        480,
        "Moving abroad or moving in with someone",
        (
            "When a customer moves abroad or moves in with someone who already has an energy and "
            "internet contract, the contracts end on the moving date without a cancellation fee. "
            "We need proof: a deregistration from the municipality (for abroad) or the new "
            "address (for moving in). The customer reports it in Mijn Polder under Moving > I am "
            "not taking my contract along. A final annual statement follows within 6 weeks; the "
            "modem and TV box must be returned within 30 days."
        ),
        "Verhuizen naar het buitenland of samenwonen",
        (
            "Verhuist een klant naar het buitenland of gaat hij samenwonen met iemand die al een "
            "energie- en internetcontract heeft, dan eindigen de contracten op de verhuisdatum "
            "zonder opzegvergoeding. Wij hebben een bewijs nodig: een uitschrijving bij de "
            "gemeente (buitenland) of het nieuwe adres (samenwonen). De klant meldt het in Mijn "
            "Polder onder Verhuizen > Ik neem mijn contract niet mee. Binnen 6 weken volgt een "
            "eindafrekening; het modem en de tv-ontvanger moeten binnen 30 dagen terug."
        ),
    ),
    (
        ("moving", "new address", "supply"),
        110,
        "No energy at the new address",
        (
            "If the customer has moved in and there is no electricity or gas, the previous "
            "occupant's supplier may have ended supply and the network operator has sealed the "
            "connection. Register the move with us first (Mijn Polder > Moving, or in the back "
            "office with the key handover date); we then ask the network operator to reopen the "
            "connection, normally within 3 working days. If there is no electricity at all and it "
            "is urgent (medical equipment, small children in winter), mark the request urgent: "
            "the operator then comes the same or next day."
        ),
        "Geen energie op het nieuwe adres",
        (
            "Is de klant verhuisd en is er geen stroom of gas, dan heeft de leverancier van de "
            "vorige bewoner de levering mogelijk beëindigd en heeft de netbeheerder de "
            "aansluiting verzegeld. Registreer eerst de verhuizing bij ons (Mijn Polder > "
            "Verhuizen, of in de backoffice met de datum van sleuteloverdracht); wij vragen de "
            "netbeheerder dan de aansluiting te openen, normaal binnen 3 werkdagen. Is er "
            "helemaal geen stroom en is het dringend (medische apparatuur, kleine kinderen in de "
            "winter), markeer het verzoek dan als spoed: de netbeheerder komt dan dezelfde of de "
            "volgende dag."
        ),
    ),
    # ------------------------------------------------------------------ account and login
    (
        ("password", "login", "account"),
        12,
        "Forgot your password",
        (
            "To reset a forgotten password for Mijn Polder: 1) go to mijn.polderenet.nl and click "
            "Forgot password, 2) enter the e-mail address of the account, 3) open the e-mail from "
            "noreply@polderenet.nl and click the reset link within 30 minutes, 4) choose a new "
            "password of at least 12 characters. No e-mail? Check the spam folder and whether the "
            "customer uses the e-mail address known to us. Agents never ask for or set a "
            "customer's password; if the e-mail address is no longer in use, change it first "
            "after verifying the customer (customer number and date of birth)."
        ),
        "Wachtwoord vergeten",
        (
            "Zo stelt de klant een vergeten wachtwoord voor Mijn Polder opnieuw in: 1) ga naar "
            "mijn.polderenet.nl en klik op Wachtwoord vergeten, 2) vul het e-mailadres van het "
            "account in, 3) open de e-mail van noreply@polderenet.nl en klik binnen 30 minuten op "
            "de herstellink, 4) kies een nieuw wachtwoord van minstens 12 tekens. Geen e-mail? "
            "Kijk in de spammap en of de klant het e-mailadres gebruikt dat bij ons bekend is. "
            "Agents vragen nooit naar het wachtwoord van een klant en stellen het ook niet in; is "
            "het e-mailadres niet meer in gebruik, wijzig het dan eerst na controle van de klant "
            "(klantnummer en geboortedatum)."
        ),
    ),
    (
        ("password", "account", "security"),
        250,
        "Change your password",
        (
            "A customer who is logged in changes the password in Mijn Polder under Account > "
            "Security > Change password: enter the current password and twice the new one (at "
            "least 12 characters; a passphrase of a few words is easiest). All other sessions, "
            "including the app, are logged out. If the customer thinks someone else knows the "
            "password, advise them to change it at once and to switch on two-step verification. "
            "The Wi-Fi password of the modem is a different password; see the article on changing "
            "the Wi-Fi password."
        ),
        "Wachtwoord wijzigen",
        (
            "Een ingelogde klant wijzigt zijn wachtwoord in Mijn Polder onder Account > "
            "Beveiliging > Wachtwoord wijzigen: vul het huidige wachtwoord in en twee keer het "
            "nieuwe (minstens 12 tekens; een wachtzin van een paar woorden is het makkelijkst). "
            "Alle andere sessies, ook de app, worden uitgelogd. Denkt de klant dat iemand anders "
            "het wachtwoord kent, adviseer dan het meteen te wijzigen en tweestapsverificatie aan "
            "te zetten. Het wifi-wachtwoord van het modem is een ander wachtwoord; zie het "
            "artikel over het wifi-wachtwoord wijzigen."
        ),
    ),
    (
        ("account", "login", "locked"),
        140,
        "Account locked after too many attempts",
        (
            "After 5 wrong passwords in a row, Mijn Polder locks the account for 30 minutes. The "
            "lock lifts by itself; resetting the password through Forgot password also unlocks it "
            "at once. If the customer did not try to log in, someone else may have: advise a "
            "password reset and two-step verification, and check the login history in the back "
            "office (Account > Sign-ins) for unknown locations. Agents can unlock an account only "
            "after verifying the customer, and must add a note with the reason."
        ),
        "Account geblokkeerd na te veel pogingen",
        (
            "Na 5 keer een verkeerd wachtwoord blokkeert Mijn Polder het account 30 minuten. De "
            "blokkade gaat vanzelf weg; het wachtwoord opnieuw instellen via Wachtwoord vergeten "
            "heft hem ook meteen op. Heeft de klant zelf niet geprobeerd in te loggen, dan deed "
            "iemand anders dat misschien: adviseer een nieuw wachtwoord en tweestapsverificatie, "
            "en bekijk de inloggeschiedenis in de backoffice (Account > Aanmeldingen) op "
            "onbekende locaties. Agents mogen een account pas deblokkeren na controle van de "
            "klant, met een notitie over de reden."
        ),
    ),
    (
        ("two-step verification", "security", "login"),
        190,
        "Two-step verification",
        (
            "Two-step verification protects Mijn Polder with a code from an authenticator app (or "
            "by SMS) on top of the password. Switch it on under Account > Security > Two-step "
            "verification and scan the QR code with an authenticator app. Save the 10 recovery "
            "codes shown once. A customer with a new phone and no recovery codes cannot log in: "
            "after verifying identity (customer number, date of birth and the last invoice "
            "amount) an agent can reset two-step verification in the back office."
        ),
        "Tweestapsverificatie",
        (
            "Tweestapsverificatie beschermt Mijn Polder met een code uit een authenticator-app "
            "(of per sms) naast het wachtwoord. Zet het aan onder Account > Beveiliging > "
            "Tweestapsverificatie en scan de QR-code met een authenticator-app. Bewaar de 10 "
            "herstelcodes die één keer getoond worden. Een klant met een nieuwe telefoon en "
            "zonder herstelcodes kan niet inloggen: na controle van de identiteit (klantnummer, "
            "geboortedatum en het bedrag van de laatste factuur) kan een agent de "
            "tweestapsverificatie resetten in de backoffice."
        ),
    ),
    (
        ("contact details", "email", "account"),
        330,
        "Change e-mail address or phone number",
        (
            "Customers change their e-mail address and phone number in Mijn Polder under Personal "
            "details. A new e-mail address is confirmed with a link sent to it; until then "
            "invoices keep going to the old address. Agents may change contact details on the "
            "customer's request after verifying the customer; the old address receives a notice "
            "of the change as a safeguard against fraud. Name and date of birth cannot be changed "
            "online - a correction of the name needs a copy of an identity document with the "
            "photo and citizen service number hidden."
        ),
        "E-mailadres of telefoonnummer wijzigen",
        (
            "Klanten wijzigen hun e-mailadres en telefoonnummer in Mijn Polder onder Persoonlijke "
            "gegevens. Een nieuw e-mailadres wordt bevestigd met een link die naar dat adres "
            "gaat; tot die tijd gaan facturen naar het oude adres. Agents mogen contactgegevens "
            "op verzoek van de klant wijzigen na controle van de klant; het oude adres krijgt dan "
            "een melding van de wijziging, als bescherming tegen fraude. Naam en geboortedatum "
            "kunnen niet online worden gewijzigd - voor een correctie van de naam is een kopie "
            "van een identiteitsbewijs nodig met foto en BSN afgeschermd."
        ),
    ),
    (
        ("app", "login", "account"),
        80,
        "Cannot log in to the Polder app",
        (
            "If the Polder app does not accept the login: 1) check that the app is updated to the "
            "latest version, 2) try logging in on mijn.polderenet.nl with the same details - if "
            "that fails too, reset the password, 3) if the website works but the app does not, "
            "log out in the app, delete and reinstall it, 4) check the phone's date and time are "
            "set automatically, because two-step codes depend on it. The app needs Android 10 or "
            "iOS 16 or newer. If all this fails, collect the phone model and the error text and "
            "create a ticket for the app team."
        ),
        "Inloggen in de Polder-app lukt niet",
        (
            "Accepteert de Polder-app de inlog niet: 1) controleer of de app is bijgewerkt naar "
            "de nieuwste versie, 2) probeer met dezelfde gegevens in te loggen op "
            "mijn.polderenet.nl - lukt dat ook niet, stel dan het wachtwoord opnieuw in, 3) werkt "
            "de website wel maar de app niet, log dan uit in de app, verwijder hem en installeer "
            "hem opnieuw, 4) controleer of datum en tijd van de telefoon automatisch worden "
            "ingesteld, want tweestapscodes hangen daarvan af. De app werkt vanaf Android 10 of "
            "iOS 16. Lukt het daarna nog niet, noteer dan het telefoonmodel en de foutmelding en "
            "maak een ticket aan voor het app-team."
        ),
    ),
    (
        ("authorisation", "account", "privacy"),
        420,
        "Let someone else manage the account",
        (
            "A customer can authorise another person (a child, a carer, an administrator) to "
            "manage the account. In Mijn Polder under Account > Authorisations the customer "
            "enters the person's name, e-mail and what they may do (view invoices, make changes, "
            "or everything). The other person gets their own login. For a legal administrator "
            "(bewindvoerder) or guardian we need the court decision; they send it to "
            "bewind@polderenet.nl and we link them within 5 working days. Without an "
            "authorisation agents may only give general information, never account details."
        ),
        "Iemand anders het account laten beheren",
        (
            "Een klant kan een ander (een kind, mantelzorger, bewindvoerder) machtigen om het "
            "account te beheren. In Mijn Polder onder Account > Machtigingen vult de klant naam "
            "en e-mail in en wat die persoon mag (facturen inzien, wijzigingen doen, of alles). "
            "De gemachtigde krijgt een eigen login. Voor een bewindvoerder of curator hebben wij "
            "de uitspraak van de rechter nodig; die stuurt hij naar bewind@polderenet.nl en wij "
            "koppelen hem binnen 5 werkdagen. Zonder machtiging geven agents alleen algemene "
            "informatie, nooit gegevens van het account."
        ),
    ),
    (
        ("phishing", "security", "fraud"),
        45,
        "Phishing e-mails and text messages",
        (
            "Polder never asks for a password, PIN or full bank details by e-mail, SMS or phone, "
            "and never sends a payment link for an amount that is not on an invoice in Mijn "
            "Polder. Our e-mails come only from addresses ending in @polderenet.nl. If a customer "
            "received a suspicious message: do not click links, forward it to "
            "phishing@polderenet.nl and delete it. If the customer already entered login details, "
            "reset the password at once and switch on two-step verification; if bank details were "
            "entered, the customer must call their bank immediately."
        ),
        "Phishingmails en nep-sms'jes",
        (
            "Polder vraagt nooit per e-mail, sms of telefoon om een wachtwoord, pincode of "
            "volledige bankgegevens, en stuurt nooit een betaallink voor een bedrag dat niet op "
            "een factuur in Mijn Polder staat. Onze e-mails komen alleen van adressen die "
            "eindigen op @polderenet.nl. Kreeg een klant een verdacht bericht: klik niet op "
            "links, stuur het door naar phishing@polderenet.nl en verwijder het. Heeft de klant "
            "al inloggegevens ingevuld, stel dan meteen een nieuw wachtwoord in en zet "
            "tweestapsverificatie aan; zijn er bankgegevens ingevuld, dan moet de klant direct de "
            "bank bellen."
        ),
    ),
    # ------------------------------------------------------------------ internet
    (
        ("internet outage", "no internet", "outage"),
        18,
        "Internet outage: no connection",
        (
            "Internet not working at all? When a customer has no internet: 1) check the outage "
            "map in the app or on polderenet.nl/storingen for a known outage in their postcode "
            "area; if there is one, give the expected repair time and do not send an engineer, 2) "
            "otherwise check the PolderBox lights: the Internet light must be white, 3) restart "
            "the PolderBox by pulling the power plug for 30 seconds, 4) check the cable from the "
            "wall socket to the grey port. Still offline? Run the line test in the back office "
            "(Internet > Line test) and plan an engineer if it shows a fault on the line."
        ),
        "Storing internet: geen verbinding",
        (
            "Werkt internet helemaal niet? Heeft een klant geen internet: 1) kijk op de "
            "storingskaart in de app of op polderenet.nl/storingen of er een bekende storing in "
            "zijn postcodegebied is; zo ja, geef de verwachte hersteltijd en stuur geen monteur, "
            "2) kijk anders naar de lampjes van de PolderBox: het lampje Internet moet wit zijn, "
            "3) herstart de PolderBox door de stekker 30 seconden uit het stopcontact te halen, "
            "4) controleer de kabel van de wandcontactdoos naar de grijze poort. Nog steeds geen "
            "verbinding? Doe de lijntest in de backoffice (Internet > Lijntest) en plan een "
            "monteur als die een fout op de lijn laat zien."
        ),
    ),
    (
        ("slow internet", "speed", "wifi"),
        130,
        "Slow internet",
        (
            "To find out why the internet is slow: 1) ask the customer to run "
            "speedtest.polderenet.nl on a computer connected to the PolderBox with a network "
            "cable; if that speed is close to the subscription speed, the line is fine and the "
            "cause is Wi-Fi, 2) on Wi-Fi, speed drops with distance and walls - move closer or "
            "add a mesh point, 3) restart the PolderBox, 4) check in the back office whether the "
            "line is synchronised below its profile (Internet > Line status). Consistently below "
            "80% of the subscribed speed on a cable is a fault: plan a line check."
        ),
        "Traag internet",
        (
            "Zo vindt de klant uit waarom internet traag is: 1) laat de klant "
            "speedtest.polderenet.nl doen op een computer die met een netwerkkabel aan de "
            "PolderBox hangt; ligt die snelheid dicht bij de abonnementssnelheid, dan is de lijn "
            "in orde en zit het probleem in de wifi, 2) via wifi daalt de snelheid met afstand en "
            "muren - ga dichterbij zitten of voeg een mesh-punt toe, 3) herstart de PolderBox, 4) "
            "kijk in de backoffice of de lijn onder zijn profiel synchroniseert (Internet > "
            "Lijnstatus). Structureel onder 80% van de abonnementssnelheid via de kabel is een "
            "storing: plan een lijncontrole."
        ),
    ),
    (
        ("modem", "router", "restart"),
        210,
        "Restart the modem or router (PolderBox)",
        (
            "A restart solves most internet, Wi-Fi and TV problems. Pull the power plug from the "
            "back of the PolderBox, wait 30 seconds and plug it back in. Starting up takes about "
            "3 minutes; the lights blink while starting and stay white when ready. Do not press "
            "the reset button with a pin: that restores the factory settings and deletes the "
            "customer's own Wi-Fi name and password. Agents can also restart the modem remotely "
            "in the back office (Internet > Device > Restart) - tell the customer the connection "
            "will drop for a few minutes."
        ),
        "Modem of router herstarten (PolderBox)",
        (
            "Een herstart lost de meeste internet-, wifi- en tv-problemen op. Haal de stekker uit "
            "de achterkant van de PolderBox, wacht 30 seconden en steek hem er weer in. Opstarten "
            "duurt ongeveer 3 minuten; de lampjes knipperen tijdens het opstarten en blijven wit "
            "als hij klaar is. Druk niet met een paperclip op de resetknop: dat zet de "
            "fabrieksinstellingen terug en wist de eigen wifinaam en het wachtwoord van de klant. "
            "Agents kunnen het modem ook op afstand herstarten in de backoffice (Internet > "
            "Apparaat > Herstarten) - zeg de klant dat de verbinding een paar minuten wegvalt."
        ),
    ),
    (
        ("modem", "lights", "router"),
        560,
        "What the modem lights mean",
        (
            "PolderBox 6 lights, from left to right: Power (white = on), Internet (white = "
            "connected, orange = no connection to our network, blinking = connecting), Wi-Fi "
            "(white = on, off = Wi-Fi switched off), Phone (white = telephone line registered) "
            "and TV (white = TV service active). A red Power light means a hardware fault: a "
            "replacement modem is needed. Internet orange for more than 10 minutes after a "
            "restart points to a line fault or an outage; check the outage map, then run the line "
            "test."
        ),
        "Wat de lampjes op het modem betekenen",
        (
            "Lampjes van de PolderBox 6, van links naar rechts: Power (wit = aan), Internet (wit "
            "= verbonden, oranje = geen verbinding met ons netwerk, knipperen = verbinding "
            "maken), Wifi (wit = aan, uit = wifi uitgeschakeld), Telefoon (wit = telefoonlijn "
            "aangemeld) en TV (wit = tv-dienst actief). Een rood Power-lampje betekent een "
            "hardwarefout: er is een vervangend modem nodig. Internet langer dan 10 minuten "
            "oranje na een herstart wijst op een lijnstoring of een storing in de buurt; kijk op "
            "de storingskaart en doe daarna de lijntest."
        ),
    ),
    (
        ("wifi", "password", "modem"),
        100,
        "Change the Wi-Fi name or password",
        (
            "The Wi-Fi name (SSID) and password are on the sticker under the PolderBox. To change "
            "them: open the Polder app, go to Internet > Wi-Fi, choose the network (2.4 and 5 GHz "
            "share one name by default) and enter a new name or password of at least 10 "
            "characters. Alternatively browse to 192.168.1.1 on a connected device and log in "
            "with the admin password from the sticker. All devices must reconnect with the new "
            "password. Agents can see but never read out the current Wi-Fi password; guide the "
            "customer to the app instead."
        ),
        "Wifinaam of wifi-wachtwoord wijzigen",
        (
            "De wifinaam (SSID) en het wifi-wachtwoord staan op de sticker onder de PolderBox. Zo "
            "wijzigt de klant ze: open de Polder-app, ga naar Internet > Wifi, kies het netwerk "
            "(2,4 en 5 GHz hebben standaard één naam) en vul een nieuwe naam of een nieuw "
            "wachtwoord van minstens 10 tekens in. Het kan ook via 192.168.1.1 in de browser van "
            "een verbonden apparaat, met het beheerderswachtwoord van de sticker. Alle apparaten "
            "moeten opnieuw verbinden met het nieuwe wachtwoord. Agents lezen het huidige "
            "wifi-wachtwoord nooit voor; verwijs de klant naar de app."
        ),
    ),
    (
        ("wifi", "range", "mesh"),
        170,
        "Better Wi-Fi coverage in the whole house",
        (
            "Wi-Fi reach depends on where the PolderBox stands: put it high, central and in the "
            "open, not in the meter cupboard or behind the TV. Concrete floors and underfloor "
            "heating block the signal. For a larger house or upstairs rooms, a Polder Wi-Fi "
            "Booster (EUR 3 a month, first one free with fiber Plus) creates a mesh network under "
            "the same name; connect it with a cable or place it halfway between the modem and the "
            "weak room. Powerline adapters also work but are often slower."
        ),
        "Beter wifibereik in het hele huis",
        (
            "Het wifibereik hangt af van waar de PolderBox staat: hoog, centraal en vrij, niet in "
            "de meterkast of achter de tv. Betonnen vloeren en vloerverwarming houden het signaal "
            "tegen. Voor een groter huis of kamers boven zorgt een Polder Wifi Booster (3 euro "
            "per maand, de eerste gratis bij Glasvezel Plus) voor een mesh-netwerk met dezelfde "
            "naam; sluit hem met een kabel aan of zet hem halverwege het modem en de zwakke "
            "kamer. Powerline-adapters werken ook, maar zijn vaak trager."
        ),
    ),
    (
        ("modem", "installation", "router"),
        240,
        "Install a new modem",
        (
            "To install a new PolderBox: 1) connect the grey port to the wall socket (fiber: the "
            "optical socket, FTU; DSL: the phone socket), 2) connect the power adapter, 3) wait "
            "until the Internet light is white, up to 10 minutes the first time, because the box "
            "downloads its settings, 4) connect to the Wi-Fi network on the sticker. The "
            "customer's own Wi-Fi name and password from the old modem can be restored in the app "
            "under Internet > Wi-Fi > Use previous settings. Do not use the old modem at the same "
            "time."
        ),
        "Nieuw modem installeren",
        (
            "Zo installeert de klant een nieuwe PolderBox: 1) verbind de grijze poort met de "
            "wandcontactdoos (glasvezel: de glasvezelaansluiting, FTU; DSL: de "
            "telefoonaansluiting), 2) sluit de adapter aan, 3) wacht tot het lampje Internet wit "
            "is, de eerste keer tot 10 minuten, omdat de box zijn instellingen ophaalt, 4) maak "
            "verbinding met het wifinetwerk op de sticker. De eigen wifinaam en het wachtwoord "
            "van het oude modem zet de klant terug in de app onder Internet > Wifi > Vorige "
            "instellingen gebruiken. Gebruik het oude modem niet tegelijk."
        ),
    ),
    (
        ("modem", "return", "equipment"),
        390,
        "Return the old modem or TV box",
        (
            "After a replacement, a cancellation or a move without Polder, equipment must be "
            "returned within 30 days: the PolderBox, the TV box with remote and the Wi-Fi "
            "Boosters, without the cables. Use the free return label that is sent by e-mail (also "
            "in Mijn Polder under Orders) and hand the parcel in at any PostNL point; keep the "
            "receipt. Equipment not returned within 30 days is charged: EUR 95 for a PolderBox, "
            "EUR 60 for a TV box, EUR 40 for a booster. If it arrives later, the charge is "
            "credited."
        ),
        "Oud modem of tv-ontvanger terugsturen",
        (
            "Na een vervanging, opzegging of verhuizing zonder Polder moet de apparatuur binnen "
            "30 dagen terug: de PolderBox, de tv-ontvanger met afstandsbediening en de Wifi "
            "Boosters, zonder kabels. Gebruik het gratis retourlabel dat per e-mail komt (ook in "
            "Mijn Polder onder Bestellingen) en lever het pakket in bij een PostNL-punt; bewaar "
            "het bewijs. Apparatuur die na 30 dagen niet terug is, brengen wij in rekening: 95 "
            "euro voor een PolderBox, 60 euro voor een tv-ontvanger, 40 euro voor een booster. "
            "Komt het later toch binnen, dan crediteren wij het bedrag."
        ),
    ),
    (
        ("fiber", "installation", "engineer"),
        26,
        "Fiber installation appointment",
        (
            "For a new fiber connection an engineer installs the optical socket (FTU) inside the "
            "home. The appointment is made after the order; the customer chooses a morning "
            "(08:00-13:00) or afternoon (12:00-18:00) slot in Mijn Polder. Someone of 18 or older "
            "must be home. The engineer needs access to the meter cupboard and the place where "
            "the FTU goes; drilling through one wall is included. The visit takes about 2 hours. "
            "To move the appointment, change it in Mijn Polder at least 2 working days before; a "
            "missed appointment costs EUR 65."
        ),
        "Glasvezel aansluiten: afspraak met de monteur",
        (
            "Voor een nieuwe glasvezelaansluiting installeert een monteur de glasvezelaansluiting "
            "(FTU) in de woning. De afspraak wordt gemaakt na de bestelling; de klant kiest in "
            "Mijn Polder een ochtend (08:00-13:00) of middag (12:00-18:00). Er moet iemand van 18 "
            "jaar of ouder thuis zijn. De monteur moet bij de meterkast kunnen en bij de plek "
            "waar de FTU komt; door één muur boren is inbegrepen. Het bezoek duurt ongeveer 2 "
            "uur. Verzetten kan in Mijn Polder tot 2 werkdagen van tevoren; een gemiste afspraak "
            "kost 65 euro."
        ),
    ),
    (
        ("fiber", "availability", "internet"),
        320,
        "Is fiber available at my address?",
        (
            "Check availability with postcode and house number on polderenet.nl/glasvezel or in "
            "the back office (Sales > Address check). The result is one of: fiber available now "
            "(order directly, activation within 2 weeks), fiber planned (the area is being built; "
            "the customer can pre-register and gets a discount), or DSL only. If the address says "
            "fiber is available but the house has no FTU yet, the connection must first be laid "
            "from the street; that is free in the build period and costs EUR 150 afterwards."
        ),
        "Is glasvezel beschikbaar op mijn adres?",
        (
            "Controleer de beschikbaarheid met postcode en huisnummer op polderenet.nl/glasvezel "
            "of in de backoffice (Verkoop > Adrescheck). De uitkomst is een van: glasvezel nu "
            "beschikbaar (direct bestellen, activering binnen 2 weken), glasvezel gepland (de "
            "wijk wordt aangelegd; de klant kan zich vooraanmelden en krijgt korting) of alleen "
            "DSL. Staat glasvezel op het adres als beschikbaar maar heeft het huis nog geen FTU, "
            "dan moet de aansluiting eerst vanaf de straat worden aangelegd; dat is gratis "
            "tijdens de aanleg en kost daarna 150 euro."
        ),
    ),
    (
        ("port forwarding", "ip address", "modem"),
        640,
        "Port forwarding and fixed IP address",
        (
            "Consumer subscriptions get a dynamic IPv4 address that rarely changes, plus an IPv6 "
            "range. Port forwarding is set on the PolderBox: browse to 192.168.1.1, log in with "
            "the admin password on the sticker, go to Network > Port forwarding and add the "
            "device, the port and the protocol. Use a fixed local address for the device (Network "
            "> DHCP > Reservations). A fixed public IPv4 address is available with Fiber Business "
            "for EUR 7.50 a month. We do not support custom firmware or third-party routers "
            "behind bridge mode on the phone line."
        ),
        "Port forwarding en vast IP-adres",
        (
            "Consumentenabonnementen krijgen een dynamisch IPv4-adres dat zelden verandert, plus "
            "een IPv6-reeks. Port forwarding stelt de klant in op de PolderBox: ga in de browser "
            "naar 192.168.1.1, log in met het beheerderswachtwoord van de sticker, ga naar "
            "Netwerk > Port forwarding en voeg het apparaat, de poort en het protocol toe. Geef "
            "het apparaat een vast lokaal adres (Netwerk > DHCP > Reserveringen). Een vast "
            "publiek IPv4-adres is er bij Glasvezel Zakelijk voor 7,50 euro per maand. Wij "
            "ondersteunen geen eigen firmware en geen routers van anderen achter bridge-modus op "
            "de telefoonlijn."
        ),
    ),
    (
        ("email", "mailbox", "internet"),
        700,
        "Polder e-mail address settings",
        (
            "Internet customers can use up to 5 Polder e-mail addresses (name@polder.nl). "
            "Settings for a mail app: incoming IMAP imap.polder.nl port 993 with SSL/TLS, "
            "outgoing SMTP smtp.polder.nl port 587 with STARTTLS, user name the full e-mail "
            "address. Webmail is at mail.polder.nl. After the internet contract ends, the mailbox "
            "stays available for 3 months, then it can be kept for EUR 2.50 a month or it is "
            "deleted. Mailbox passwords are reset in Mijn Polder under Internet > E-mail."
        ),
        "Instellingen Polder-e-mailadres",
        (
            "Internetklanten kunnen tot 5 Polder-e-mailadressen gebruiken (naam@polder.nl). "
            "Instellingen voor een mailprogramma: inkomend IMAP imap.polder.nl poort 993 met "
            "SSL/TLS, uitgaand SMTP smtp.polder.nl poort 587 met STARTTLS, gebruikersnaam het "
            "volledige e-mailadres. Webmail staat op mail.polder.nl. Na het einde van het "
            "internetcontract blijft de mailbox 3 maanden beschikbaar; daarna kan hij voor 2,50 "
            "euro per maand blijven of wordt hij verwijderd. Het wachtwoord van de mailbox stel "
            "je opnieuw in via Mijn Polder onder Internet > E-mail."
        ),
    ),
    # ------------------------------------------------------------------ TV
    (
        ("tv", "no signal", "outage"),
        115,
        "No TV picture",
        (
            "When the TV shows no picture or 'no signal': 1) check that the TV is on the right "
            "input (HDMI 1 for the PolderTV box), 2) check that the TV box's light is white; if "
            "it is red, it is in standby - press the power button on the Polder remote, 3) "
            "restart the TV box by pulling the plug for 10 seconds, 4) check the internet: the TV "
            "box needs the PolderBox to be online (TV light white). If only some channels fail, "
            "check whether they are in the customer's package. Persistent problems: run Reset TV "
            "service in the back office."
        ),
        "Geen tv-beeld",
        (
            "Geeft de tv geen beeld of 'geen signaal': 1) controleer of de tv op de juiste ingang "
            "staat (HDMI 1 voor de PolderTV-ontvanger), 2) kijk of het lampje van de ontvanger "
            "wit is; is het rood, dan staat hij op stand-by - druk op de aan-uitknop van de "
            "Polder-afstandsbediening, 3) herstart de ontvanger door de stekker 10 seconden eruit "
            "te halen, 4) controleer het internet: de ontvanger heeft een PolderBox nodig die "
            "online is (lampje TV wit). Werken alleen sommige zenders niet, kijk dan of ze in het "
            "pakket van de klant zitten. Blijft het probleem: voer TV-dienst resetten uit in de "
            "backoffice."
        ),
    ),
    (
        ("tv", "tv box", "app", "installation"),
        275,
        "Set up the TV box or TV app",
        (
            "The PolderTV box connects to the TV with HDMI and to the PolderBox with a network "
            "cable (Wi-Fi is possible but less stable). At first start it asks for the language "
            "and downloads updates, which takes about 10 minutes. Without a box, customers can "
            "watch on up to 3 devices at once with the PolderTV app for smart TVs, phones and "
            "tablets; they log in with their Mijn Polder account. The app works abroad in the EU. "
            "A second TV box costs EUR 4 a month."
        ),
        "Tv-ontvanger of tv-app instellen",
        (
            "De PolderTV-ontvanger gaat met HDMI naar de tv en met een netwerkkabel naar de "
            "PolderBox (wifi kan, maar is minder stabiel). Bij de eerste start vraagt hij de taal "
            "en haalt hij updates op; dat duurt ongeveer 10 minuten. Zonder ontvanger kijken "
            "klanten op maximaal 3 apparaten tegelijk met de PolderTV-app voor smart-tv's, "
            "telefoons en tablets; ze loggen in met hun Mijn Polder-account. De app werkt ook in "
            "het buitenland binnen de EU. Een tweede ontvanger kost 4 euro per maand."
        ),
    ),
    (
        ("tv", "replay", "recording"),
        505,
        "Replay and recording TV programmes",
        (
            "With Replay customers watch programmes of the last 7 days on most channels: press "
            "the left arrow in the guide or choose Replay in the menu. Recording is done in the "
            "cloud: press the red button during a programme or in the guide; the package includes "
            "50 hours, extendable to 500 hours for EUR 5 a month. Recordings are kept for 12 "
            "months. Some broadcasters do not allow replay or fast forwarding through ads for "
            "certain programmes; that is shown with a crossed-out icon."
        ),
        "Terugkijken en opnemen",
        (
            "Met Terugkijken kijken klanten programma's van de afgelopen 7 dagen op de meeste "
            "zenders: druk op het pijltje naar links in de gids of kies Terugkijken in het menu. "
            "Opnemen gebeurt in de cloud: druk op de rode knop tijdens een programma of in de "
            "gids; het pakket bevat 50 uur, uit te breiden tot 500 uur voor 5 euro per maand. "
            "Opnamen blijven 12 maanden bewaard. Sommige omroepen staan terugkijken of "
            "doorspoelen door reclame bij bepaalde programma's niet toe; dat zie je aan een "
            "doorgestreept icoontje."
        ),
    ),
    (
        ("tv", "channels", "packages"),
        185,
        "Add TV channels or packages",
        (
            "Extra packages (Sport, Film, Kids, International) are added in Mijn Polder under TV "
            "> Packages or in the back office. They are active within 15 minutes - restart the TV "
            "box if the channels do not appear - and can be ended monthly. The first month is "
            "charged pro rata on the next invoice. Sport packages from partners (ESPN, Ziggo "
            "Sport) follow the partner's own terms. Adult channels and purchases can be blocked "
            "with a 4-digit PIN under Settings > Parental control on the TV box."
        ),
        "Tv-zenders of pakketten toevoegen",
        (
            "Extra pakketten (Sport, Film, Kids, Internationaal) voegt de klant toe in Mijn "
            "Polder onder TV > Pakketten, of een agent doet het in de backoffice. Ze zijn binnen "
            "15 minuten actief - herstart de ontvanger als de zenders niet verschijnen - en "
            "maandelijks opzegbaar. De eerste maand staat naar rato op de volgende factuur. "
            "Sportpakketten van partners (ESPN, Ziggo Sport) volgen de voorwaarden van de "
            "partner. Zenders voor volwassenen en aankopen kunnen met een pincode van 4 cijfers "
            "worden geblokkeerd onder Instellingen > Kinderslot op de ontvanger."
        ),
    ),
    # ------------------------------------------------------------------ mobile
    (
        ("mobile", "sim", "esim", "activation"),
        88,
        "Activate a SIM card or eSIM",
        (
            "A new Polder SIM is activated in Mijn Polder under Mobile > Activate SIM with the "
            "19-digit number on the card; it works within 15 minutes. For an eSIM the customer "
            "scans the QR code from the activation e-mail on the phone (Settings > Mobile network "
            "> Add eSIM); the QR code can be used once - for a new phone, order a new QR code in "
            "Mijn Polder, which is free. If the SIM shows 'no service' after an hour, restart the "
            "phone and check in the back office that the SIM status is active."
        ),
        "Simkaart of eSIM activeren",
        (
            "Een nieuwe Polder-simkaart activeert de klant in Mijn Polder onder Mobiel > Simkaart "
            "activeren met het nummer van 19 cijfers op de kaart; hij werkt binnen 15 minuten. "
            "Voor een eSIM scant de klant de QR-code uit de activatiemail met de telefoon "
            "(Instellingen > Mobiel netwerk > eSIM toevoegen); de QR-code werkt één keer - vraag "
            "voor een nieuwe telefoon gratis een nieuwe QR-code aan in Mijn Polder. Geeft de "
            "simkaart na een uur 'geen service', herstart dan de telefoon en controleer in de "
            "backoffice of de simstatus actief is."
        ),
    ),
    (
        ("mobile", "number porting"),
        350,
        "Keep your mobile number when switching",
        (
            "Customers can bring their mobile number from another provider. When ordering, choose "
            "Keep my number and enter the number and the customer number at the old provider (for "
            "prepaid: the SIM card number). We arrange the transfer and cancel the old "
            "subscription; the customer must not cancel it themselves, or the number may be lost. "
            "Porting takes place on the chosen date between 10:00 and 14:00; there may be no "
            "signal for up to an hour. Any remaining term at the old provider is charged by them."
        ),
        "Nummerbehoud bij overstappen",
        (
            "Klanten kunnen hun mobiele nummer van een andere provider meenemen. Kies bij de "
            "bestelling Nummer behouden en vul het nummer en het klantnummer bij de oude provider "
            "in (bij prepaid: het simkaartnummer). Wij regelen de overdracht en zeggen het oude "
            "abonnement op; de klant moet het niet zelf opzeggen, anders kan het nummer verloren "
            "gaan. Het overzetten gebeurt op de gekozen datum tussen 10:00 en 14:00 uur; er kan "
            "tot een uur geen bereik zijn. Een resterende looptijd bij de oude provider brengt "
            "die zelf in rekening."
        ),
    ),
    (
        ("mobile", "data", "roaming", "abroad"),
        145,
        "Data bundle used up or using your phone abroad",
        (
            "When 80% and 100% of the data bundle are used, the customer gets an SMS. After that, "
            "data is slowed to 64 kbit/s unless the customer buys an extra bundle in the app (1 "
            "GB EUR 3, 5 GB EUR 8, valid until the end of the month). In the EU calling, texting "
            "and data come from the bundle as at home. Outside the EU, data costs are high; "
            "advise a Polder World bundle and to switch off data roaming otherwise. A usage limit "
            "of EUR 50 outside the bundle protects against surprise bills and can be changed in "
            "Mijn Polder."
        ),
        "Bundel op of bellen in het buitenland",
        (
            "Bij 80% en 100% van de databundel krijgt de klant een sms. Daarna gaat de snelheid "
            "naar 64 kbit/s, tenzij de klant een extra bundel koopt in de app (1 GB 3 euro, 5 GB "
            "8 euro, geldig tot het einde van de maand). Binnen de EU gaan bellen, sms en data "
            "van de bundel af zoals thuis. Buiten de EU is data duur; adviseer een Polder "
            "Wereldbundel en anders dataroaming uit te zetten. Een gebruikslimiet van 50 euro "
            "buiten de bundel beschermt tegen verrassingen en is aan te passen in Mijn Polder."
        ),
    ),
    (
        ("mobile", "lost phone", "stolen", "sim"),
        67,
        "Lost or stolen phone: block the SIM",
        (
            "If a phone is lost or stolen, block the SIM at once so no one can call at the "
            "customer's expense: in Mijn Polder under Mobile > Block SIM, or by calling us 24/7 "
            "on 088 765 4321 (option 9). Blocking is free and the number is kept. A replacement "
            "SIM or eSIM costs EUR 10 and arrives in 1-2 working days; activating it lifts the "
            "block. Advise the customer to report theft to the police and to use Find my device "
            "to lock or wipe the phone. Costs made before the block are the customer's."
        ),
        "Telefoon kwijt of gestolen: simkaart blokkeren",
        (
            "Is een telefoon kwijt of gestolen, blokkeer dan meteen de simkaart zodat niemand op "
            "kosten van de klant kan bellen: in Mijn Polder onder Mobiel > Simkaart blokkeren, of "
            "door ons 24/7 te bellen op 088 765 4321 (optie 9). Blokkeren is gratis en het nummer "
            "blijft behouden. Een vervangende simkaart of eSIM kost 10 euro en komt binnen 1-2 "
            "werkdagen; met het activeren vervalt de blokkade. Adviseer de klant aangifte te doen "
            "bij de politie en Apparaat zoeken te gebruiken om de telefoon te vergrendelen of te "
            "wissen. Kosten van voor de blokkade zijn voor de klant."
        ),
    ),
    (
        ("mobile", "puk", "pin", "sim"),
        590,
        "PIN blocked: PUK code",
        (
            "After three wrong PIN codes the SIM asks for the PUK code. The PUK is in Mijn Polder "
            "under Mobile > SIM details, and on the plastic card the SIM came in. Agents may read "
            "out the PUK only after verifying the customer. After ten wrong PUK codes the SIM is "
            "permanently blocked and a new SIM is needed (EUR 10, free if the SIM is less than 3 "
            "months old). Advise the customer to set a PIN they remember or to switch off the PIN "
            "request in the phone's settings."
        ),
        "Pincode geblokkeerd: PUK-code",
        (
            "Na drie keer een verkeerde pincode vraagt de simkaart om de PUK-code. De PUK staat "
            "in Mijn Polder onder Mobiel > Simgegevens en op het plastic kaartje waarin de "
            "simkaart zat. Agents mogen de PUK pas voorlezen na controle van de klant. Na tien "
            "keer een verkeerde PUK is de simkaart definitief geblokkeerd en is een nieuwe "
            "simkaart nodig (10 euro, gratis als de simkaart korter dan 3 maanden oud is). "
            "Adviseer de klant een pincode te kiezen die hij onthoudt of de pincodevraag uit te "
            "zetten in de instellingen van de telefoon."
        ),
    ),
    # ------------------------------------------------------------------ contracts
    (
        ("contract", "upgrade", "subscription"),
        52,
        "Change your subscription",
        (
            "Customers can upgrade internet speed, TV or mobile bundles at any time in Mijn "
            "Polder under Contract > Change; an upgrade starts within 1 working day (internet "
            "speed after a modem restart) and does not extend the contract term. A downgrade is "
            "possible at the end of the current term, or earlier for a fee of EUR 25. For energy, "
            "see the article on fixed or variable contracts. Agents may offer the current loyalty "
            "discount to customers whose term has ended; check Offers in the back office before "
            "proposing."
        ),
        "Abonnement wijzigen",
        (
            "Klanten kunnen op elk moment een hogere internetsnelheid, tv of mobiele bundel "
            "kiezen in Mijn Polder onder Contract > Wijzigen; een upgrade gaat binnen 1 werkdag "
            "in (internetsnelheid na een herstart van het modem) en verlengt de looptijd niet. "
            "Een lager abonnement kan aan het einde van de looptijd, of eerder voor 25 euro. Voor "
            "energie: zie het artikel over vaste of variabele contracten. Agents mogen klanten "
            "van wie de looptijd voorbij is de actuele loyaliteitskorting aanbieden; bekijk "
            "Aanbiedingen in de backoffice voordat je iets voorstelt."
        ),
    ),
    (
        ("cancellation", "cancel", "contract"),
        22,
        "Cancel a contract",
        (
            "Customers cancel in Mijn Polder under Contract > Cancel, by phone, or in writing. "
            "Notice is 30 days; a contract whose initial term has ended can be cancelled monthly. "
            "Within a fixed term a cancellation fee applies (energy: EUR 50-125; internet/TV: the "
            "remaining monthly fees up to a maximum of EUR 200), except when moving to an address "
            "we cannot serve. When a customer switches energy supplier, the new supplier cancels "
            "for them - they do not need to contact us. Confirm the end date in writing and "
            "remind them to return equipment within 30 days."
        ),
        "Contract opzeggen",
        (
            "Klanten zeggen op in Mijn Polder onder Contract > Opzeggen, telefonisch of "
            "schriftelijk. De opzegtermijn is 30 dagen; na de eerste looptijd is het contract "
            "maandelijks opzegbaar. Binnen een vaste looptijd geldt een opzegvergoeding (energie: "
            "50-125 euro; internet/tv: de resterende maandbedragen tot maximaal 200 euro), "
            "behalve bij verhuizing naar een adres waar wij niet kunnen leveren. Stapt een klant "
            "over naar een andere energieleverancier, dan zegt de nieuwe leverancier voor hem op "
            "- hij hoeft ons niet te bellen. Bevestig de einddatum schriftelijk en herinner de "
            "klant aan het terugsturen van de apparatuur binnen 30 dagen."
        ),
    ),
    (
        ("cooling-off", "contract", "cancellation"),
        435,
        "Cooling-off period for new contracts",
        (
            "Consumers who sign up online or by phone have a 14-day cooling-off period "
            "(bedenktijd) from the day after the contract is confirmed. They can withdraw without "
            "giving a reason in Mijn Polder, by e-mail to klantenservice@polderenet.nl or by "
            "phone. For energy, supply already delivered during the cooling-off period is charged "
            "at the contract price. For internet, a completed fiber installation is not charged "
            "if they withdraw within the period. Equipment must be returned unused within 14 days "
            "after withdrawing."
        ),
        "Bedenktijd bij een nieuw contract",
        (
            "Consumenten die online of telefonisch een contract afsluiten, hebben 14 dagen "
            "bedenktijd vanaf de dag na de bevestiging. Ze kunnen zonder opgave van reden "
            "ontbinden in Mijn Polder, per e-mail aan klantenservice@polderenet.nl of "
            "telefonisch. Bij energie brengen wij de levering tijdens de bedenktijd in rekening "
            "tegen het contracttarief. Bij internet brengen wij een uitgevoerde "
            "glasvezelinstallatie niet in rekening als de klant binnen de bedenktijd ontbindt. "
            "Apparatuur moet binnen 14 dagen na het ontbinden ongebruikt terug."
        ),
    ),
    (
        ("contract", "end date", "renewal"),
        205,
        "Contract end date and renewal",
        (
            "The end date of each contract is in Mijn Polder under Contract. Two months before a "
            "fixed energy term ends, we send an offer for a new term. If the customer does "
            "nothing, the contract continues as a variable contract that can be ended monthly - "
            "it is never renewed for a fixed term automatically. Internet, TV and mobile continue "
            "for an indefinite period after the initial term, with a notice of 30 days. Customers "
            "asking about the end date often compare prices: check the renewal offer and loyalty "
            "discount first."
        ),
        "Einddatum en verlenging van het contract",
        (
            "De einddatum van elk contract staat in Mijn Polder onder Contract. Twee maanden voor "
            "het einde van een vaste energielooptijd sturen wij een aanbod voor een nieuwe "
            "looptijd. Doet de klant niets, dan loopt het contract door als variabel contract dat "
            "maandelijks opzegbaar is - het wordt nooit automatisch verlengd voor een vaste "
            "periode. Internet, tv en mobiel lopen na de eerste looptijd voor onbepaalde tijd "
            "door, met een opzegtermijn van 30 dagen. Klanten die naar de einddatum vragen, "
            "vergelijken vaak prijzen: bekijk eerst het verlengingsaanbod en de "
            "loyaliteitskorting."
        ),
    ),
    (
        ("switching", "new customer", "contract"),
        155,
        "Switching to Polder",
        (
            "New customers switch to Polder in about 10 minutes on polderenet.nl. For energy we "
            "need the address, the expected usage (or last annual statement) and the IBAN; we "
            "cancel the old supplier - the customer should check their old contract for a "
            "cancellation fee. Supply starts on the chosen date, at the earliest 20 days after "
            "signing (after the cooling-off period, unless the customer asks to start earlier). "
            "For internet we check the address, plan activation or an engineer and can keep the "
            "fixed phone number."
        ),
        "Overstappen naar Polder",
        (
            "Nieuwe klanten stappen in ongeveer 10 minuten over naar Polder op polderenet.nl. "
            "Voor energie hebben wij het adres, het verwachte verbruik (of de laatste "
            "jaarafrekening) en het IBAN nodig; wij zeggen de oude leverancier op - de klant "
            "kijkt zelf of zijn oude contract een opzegvergoeding heeft. De levering begint op de "
            "gekozen datum, op zijn vroegst 20 dagen na ondertekening (na de bedenktijd, tenzij "
            "de klant eerder wil beginnen). Voor internet controleren wij het adres, plannen wij "
            "de activering of een monteur en kan het vaste telefoonnummer behouden blijven."
        ),
    ),
    (
        ("bereavement", "death", "contract"),
        520,
        "Death of the account holder",
        (
            "Offer condolences and take time. Relatives report a death via "
            "polderenet.nl/overlijden or by phone; we need a copy of the death certificate or a "
            "death notice and the contact details of the person handling the estate. The "
            "contracts can be transferred to a housemate or ended without a cancellation fee; "
            "energy supply continues until the home is handed over so that the house does not go "
            "without heating. The final statement is sent to the estate handler. Mark the account "
            "'bereavement' so that no reminders or marketing are sent."
        ),
        "Overlijden van de contracthouder",
        (
            "Betuig je medeleven en neem de tijd. Nabestaanden melden een overlijden via "
            "polderenet.nl/overlijden of telefonisch; wij hebben een kopie van de akte van "
            "overlijden of een rouwkaart nodig en de gegevens van degene die de nalatenschap "
            "afhandelt. De contracten kunnen worden overgezet op een huisgenoot of worden "
            "beëindigd zonder opzegvergoeding; de energielevering loopt door tot de woning is "
            "opgeleverd, zodat het huis niet zonder verwarming komt. De eindafrekening gaat naar "
            "de afwikkelaar van de nalatenschap. Markeer het account 'overlijden' zodat er geen "
            "herinneringen of reclame meer worden verstuurd."
        ),
    ),
    (
        ("contract", "transfer", "name"),
        365,
        "Transfer a contract to another name",
        (
            "A contract can be transferred to another person at the same address, for example "
            "after a divorce or when a partner takes over. Both people confirm: the current "
            "holder in Mijn Polder under Contract > Transfer, the new holder by accepting the "
            "e-mail invitation and entering their IBAN. The transfer takes effect on the 1st of "
            "the next month; the old holder receives a final statement for energy. Open invoices "
            "stay with the old holder. The remaining term and prices carry over unchanged; no "
            "cancellation fee applies."
        ),
        "Contract overzetten op een andere naam",
        (
            "Een contract kan worden overgezet op iemand anders op hetzelfde adres, bijvoorbeeld "
            "na een scheiding of als een partner het overneemt. Beide personen bevestigen: de "
            "huidige houder in Mijn Polder onder Contract > Overzetten, de nieuwe houder door de "
            "uitnodiging per e-mail te accepteren en zijn IBAN in te vullen. De overzetting gaat "
            "in op de 1e van de volgende maand; de oude houder krijgt een eindafrekening voor "
            "energie. Openstaande facturen blijven bij de oude houder. De resterende looptijd en "
            "prijzen gaan ongewijzigd over; er is geen opzegvergoeding."
        ),
    ),
    # ------------------------------------------------------------------ complaints and privacy
    (
        ("complaint", "customer service"),
        62,
        "Filing a complaint",
        (
            "Listen, summarise the complaint in the customer's words and try to solve it in this "
            "contact. If that is not possible, register a formal complaint in the back office "
            "(Customer > Complaints > New) with what happened, what the customer wants, and your "
            "first actions; the customer receives a confirmation with a complaint number. The "
            "complaints team answers within 10 working days, or explains why it needs longer (at "
            "most 4 more weeks). Customers can also file a complaint via polderenet.nl/klacht."
        ),
        "Klacht indienen",
        (
            "Luister, vat de klacht samen in de woorden van de klant en probeer het in dit "
            "contact op te lossen. Lukt dat niet, registreer dan een formele klacht in de "
            "backoffice (Klant > Klachten > Nieuw) met wat er gebeurde, wat de klant wil en je "
            "eerste acties; de klant krijgt een bevestiging met een klachtnummer. Het "
            "klachtenteam antwoordt binnen 10 werkdagen, of legt uit waarom het langer nodig "
            "heeft (hooguit 4 weken extra). Klanten kunnen ook een klacht indienen via "
            "polderenet.nl/klacht."
        ),
    ),
    (
        ("complaint", "disputes committee"),
        720,
        "Disputes committee",
        (
            "If a complaint has not been solved to the customer's satisfaction within 8 weeks, "
            "the customer can take it to the independent Disputes Committee (De "
            "Geschillencommissie): for energy the Energy committee, for internet, TV and mobile "
            "the Telecom committee. This must happen within 12 months of filing the complaint "
            "with us. The customer pays a small fee that is refunded if they are proved right. "
            "Give the customer the complaint number and the date; never discourage them from "
            "going to the committee."
        ),
        "Geschillencommissie",
        (
            "Is een klacht na 8 weken niet naar tevredenheid van de klant opgelost, dan kan de "
            "klant naar de onafhankelijke Geschillencommissie: voor energie de commissie Energie, "
            "voor internet, tv en mobiel de commissie Telecommunicatie. Dat moet binnen 12 "
            "maanden na het indienen van de klacht bij ons. De klant betaalt een klein bedrag dat "
            "hij terugkrijgt als hij gelijk krijgt. Geef de klant het klachtnummer en de datum; "
            "ontraad de klant nooit om naar de commissie te gaan."
        ),
    ),
    (
        ("compensation", "outage", "internet outage"),
        230,
        "Compensation for a long outage",
        (
            "For an internet, TV or phone outage of more than 12 hours caused by our network, "
            "customers get compensation automatically: one day's subscription fee for each "
            "started 12 hours, from 12 hours onwards, credited on the next invoice. For an "
            "electricity outage of more than 4 hours caused by the grid, the network operator "
            "pays a fixed compensation (from EUR 35) without a request. Outages caused by the "
            "customer's own equipment or a planned maintenance window announced 5 days ahead are "
            "not compensated."
        ),
        "Compensatie bij een lange storing",
        (
            "Bij een internet-, tv- of telefoonstoring van meer dan 12 uur door ons netwerk "
            "krijgen klanten automatisch een vergoeding: een dag abonnementsgeld voor elke "
            "begonnen 12 uur, vanaf 12 uur, verrekend op de volgende factuur. Bij een "
            "stroomstoring van meer dan 4 uur in het net betaalt de netbeheerder een vaste "
            "vergoeding (vanaf 35 euro) zonder aanvraag. Storingen door apparatuur van de klant "
            "zelf of door gepland onderhoud dat 5 dagen van tevoren is aangekondigd, vergoeden "
            "wij niet."
        ),
    ),
    (
        ("privacy", "gdpr", "personal data"),
        480,
        "Access to personal data (GDPR)",
        (
            "Customers may ask which personal data we hold about them, and have it corrected or "
            "deleted. A request goes to privacy@polderenet.nl or via Mijn Polder under Account > "
            "Privacy > Request my data; we answer within one month. We verify identity through "
            "the logged-in account, not with a copy of an ID. Agents do not send data exports "
            "themselves. Deletion is limited by law: invoices must be kept for 7 years. Questions "
            "about how we use data are answered in the privacy statement on "
            "polderenet.nl/privacy."
        ),
        "Inzage in persoonsgegevens (AVG)",
        (
            "Klanten mogen vragen welke persoonsgegevens wij van hen hebben en die laten "
            "corrigeren of verwijderen. Een verzoek gaat naar privacy@polderenet.nl of via Mijn "
            "Polder onder Account > Privacy > Mijn gegevens opvragen; wij antwoorden binnen een "
            "maand. Wij controleren de identiteit via het ingelogde account, niet met een kopie "
            "van een identiteitsbewijs. Agents sturen zelf geen gegevensexports. Verwijderen is "
            "wettelijk beperkt: facturen moeten wij 7 jaar bewaren. Vragen over hoe wij gegevens "
            "gebruiken, beantwoordt de privacyverklaring op polderenet.nl/privacy."
        ),
    ),
    (
        ("privacy", "marketing", "opt-out"),
        95,
        "Stop marketing e-mails and calls",
        (
            "Customers decide whether they receive offers. In Mijn Polder under Account > Privacy "
            "> Preferences they switch off e-mail, SMS and phone offers separately; every "
            "marketing e-mail also has an unsubscribe link at the bottom. Agents can switch "
            "preferences in the back office at the customer's request; the change takes effect "
            "within 2 working days for e-mail and at once for phone. Service messages (invoices, "
            "outages, price changes) are always sent because they are part of the contract."
        ),
        "Geen reclame meer ontvangen",
        (
            "Klanten bepalen zelf of ze aanbiedingen krijgen. In Mijn Polder onder Account > "
            "Privacy > Voorkeuren zetten ze e-mail, sms en telefonische aanbiedingen apart uit; "
            "elke reclamemail heeft onderaan ook een afmeldlink. Agents kunnen de voorkeuren op "
            "verzoek van de klant aanpassen in de backoffice; de wijziging geldt binnen 2 "
            "werkdagen voor e-mail en direct voor telefoon. Servicemeldingen (facturen, "
            "storingen, prijswijzigingen) blijven komen, omdat ze bij het contract horen."
        ),
    ),
    # ------------------------------------------------------------------ disconnection and debt
    (
        ("disconnection", "arrears", "debt"),
        32,
        "Disconnection for unpaid bills",
        (
            "We disconnect energy only as a last step, after a reminder, a formal demand and a "
            "personal attempt to contact the customer by phone and letter. Before disconnecting "
            "we offer a payment plan and, with the customer's permission, pass their details to "
            "the municipality's debt help. We never disconnect when the customer is in debt "
            "counselling, when someone in the home depends on medical equipment, or from 1 "
            "October to 1 April (winter ban). For internet, the service is first slowed to 1 "
            "Mbit/s for 14 days before it is blocked."
        ),
        "Afsluiting bij betalingsachterstand",
        (
            "Wij sluiten energie pas af als laatste stap, na een herinnering, een aanmaning en "
            "een persoonlijke poging om de klant telefonisch en per brief te bereiken. Voor het "
            "afsluiten bieden wij een betalingsregeling aan en geven wij, met toestemming van de "
            "klant, de gegevens door aan de schuldhulp van de gemeente. Wij sluiten nooit af als "
            "de klant in de schuldhulpverlening zit, als iemand in huis afhankelijk is van "
            "medische apparatuur, of van 1 oktober tot 1 april (winterstop). Bij internet "
            "verlagen wij eerst 14 dagen de snelheid naar 1 Mbit/s voordat de dienst wordt "
            "geblokkeerd."
        ),
    ),
    (
        ("reconnection", "disconnection"),
        440,
        "Reconnection after disconnection",
        (
            "To reconnect energy after a disconnection, the arrears must be paid or a payment "
            "plan agreed and the first instalment paid. The network operator then reconnects "
            "within 2 working days; the reconnection costs of the network operator (around EUR "
            "140) are charged on the next invoice and may be included in the payment plan. For a "
            "blocked internet service, the block is lifted within 1 hour after payment is "
            "registered; payments by iDEAL are registered at once."
        ),
        "Heraansluiting na afsluiting",
        (
            "Om energie na een afsluiting weer aan te sluiten, moet de achterstand betaald zijn "
            "of een betalingsregeling afgesproken en de eerste termijn betaald. De netbeheerder "
            "sluit dan binnen 2 werkdagen weer aan; de heraansluitkosten van de netbeheerder "
            "(ongeveer 140 euro) komen op de volgende factuur en kunnen in de betalingsregeling "
            "worden opgenomen. Bij een geblokkeerde internetdienst vervalt de blokkade binnen 1 "
            "uur nadat de betaling is verwerkt; betalingen met iDEAL zijn meteen verwerkt."
        ),
    ),
    (
        ("deposit", "credit check", "new customer"),
        610,
        "Deposit and credit check",
        (
            "For new energy customers we do a credit check with the customer's consent. If it "
            "shows a payment risk, we may ask for a deposit (waarborgsom) of at most three times "
            "the monthly advance, to be paid before supply starts. The deposit is refunded with "
            "the final statement or earlier after 12 months of payments on time; customers can "
            "ask for this in Mijn Polder. Instead of a deposit, the customer may choose direct "
            "debit with a lower credit limit. We never ask a deposit from customers in debt "
            "counselling."
        ),
        "Waarborgsom en kredietcheck",
        (
            "Bij nieuwe energieklanten doen wij met toestemming van de klant een kredietcheck. "
            "Blijkt daaruit een betalingsrisico, dan kunnen wij een waarborgsom vragen van "
            "maximaal drie keer het termijnbedrag, te betalen voordat de levering begint. De "
            "waarborgsom krijgt de klant terug bij de eindafrekening, of eerder na 12 maanden op "
            "tijd betalen; dat vraagt de klant aan in Mijn Polder. In plaats van een waarborgsom "
            "kan de klant kiezen voor automatische incasso met een lagere kredietlimiet. Van "
            "klanten in de schuldhulpverlening vragen wij nooit een waarborgsom."
        ),
    ),
    (
        ("contact", "opening hours", "customer service"),
        14,
        "Contact and opening hours",
        (
            "Customer service: 088 765 4321, Monday to Friday 08:00-20:00 and Saturday "
            "09:00-17:00; chat in the app and on polderenet.nl during the same hours; WhatsApp on "
            "06 1234 5678 (answers within 2 hours during opening hours); e-mail to "
            "klantenservice@polderenet.nl (answer within 2 working days). Outages and blocking a "
            "lost SIM: 24/7 on 0800 7653. Gas smell: 0800 9009 (network operator). Customers can "
            "arrange most things themselves in Mijn Polder and the Polder app, at any time."
        ),
        "Contact en openingstijden",
        (
            "Klantenservice: 088 765 4321, maandag tot en met vrijdag 08:00-20:00 uur en zaterdag "
            "09:00-17:00 uur; chat in de app en op polderenet.nl op dezelfde tijden; WhatsApp via "
            "06 1234 5678 (antwoord binnen 2 uur tijdens openingstijden); e-mail naar "
            "klantenservice@polderenet.nl (antwoord binnen 2 werkdagen). Storingen en het "
            "blokkeren van een verloren simkaart: 24/7 op 0800 7653. Gaslucht: 0800 9009 "
            "(netbeheerder). Klanten regelen het meeste zelf in Mijn Polder en de Polder-app, op "
            "elk moment."
        ),
    ),
    (
        ("fixed line", "telephone", "phone"),
        670,
        "No dial tone on the fixed phone",
        (
            "With internet from Polder, the fixed phone works through the PolderBox: the handset "
            "goes into the green Phone port (not into the wall socket). If there is no dial tone: "
            "1) check that the Phone light on the PolderBox is white, 2) restart the PolderBox, "
            "3) try another handset or cable. If the light stays off, check in the back office "
            "that the phone service is active and reprovision it (Internet > Device > Phone). "
            "Emergency calls to 112 need power: during a power cut, use a mobile phone."
        ),
        "Geen kiestoon op de vaste telefoon",
        (
            "Bij internet van Polder werkt de vaste telefoon via de PolderBox: de telefoon gaat "
            "in de groene poort Telefoon (niet in de wandcontactdoos). Is er geen kiestoon: 1) "
            "kijk of het lampje Telefoon op de PolderBox wit is, 2) herstart de PolderBox, 3) "
            "probeer een andere telefoon of kabel. Blijft het lampje uit, controleer dan in de "
            "backoffice of de telefoondienst actief is en zet hem opnieuw klaar (Internet > "
            "Apparaat > Telefoon). Bellen naar 112 werkt alleen met stroom: gebruik bij een "
            "stroomstoring een mobiele telefoon."
        ),
    ),
    (
        ("planned maintenance", "outage", "internet"),
        125,
        "Planned maintenance",
        (
            "We do network maintenance at night between 00:00 and 06:00 and announce it at least "
            "5 days ahead by e-mail to the customers involved and on the outage map. During "
            "maintenance internet, TV and phone can be unavailable for up to 30 minutes. Energy "
            "supply is not affected by our maintenance; network operators announce their own work "
            "by letter. If the service has not returned by 07:00, the customer should restart the "
            "PolderBox and report it as an outage if that does not help."
        ),
        "Gepland onderhoud",
        (
            "Wij doen onderhoud aan het netwerk 's nachts tussen 00:00 en 06:00 uur en kondigen "
            "het minstens 5 dagen van tevoren aan per e-mail aan de betrokken klanten en op de "
            "storingskaart. Tijdens het onderhoud kunnen internet, tv en telefoon tot 30 minuten "
            "wegvallen. Energielevering merkt niets van ons onderhoud; netbeheerders kondigen hun "
            "eigen werk per brief aan. Werkt de dienst om 07:00 uur nog niet, dan herstart de "
            "klant de PolderBox en meldt het als storing als dat niet helpt."
        ),
    ),
    (
        ("heat pump", "energy", "usage"),
        295,
        "Heat pump and higher electricity use",
        (
            "A heat pump lowers gas use but raises electricity use, often by 2,000 to 4,000 kWh a "
            "year. Ask the customer to let us know when it is installed, so that we can raise the "
            "monthly advance for electricity and lower it for gas; otherwise the annual statement "
            "brings a large extra payment. With a hybrid heat pump the gas connection stays. With "
            "an all-electric heat pump the customer can have the gas connection removed by the "
            "network operator; the gas contract then ends without a fee on the removal date."
        ),
        "Warmtepomp en hoger stroomverbruik",
        (
            "Een warmtepomp verlaagt het gasverbruik maar verhoogt het stroomverbruik, vaak met "
            "2.000 tot 4.000 kWh per jaar. Vraag de klant het ons te laten weten als hij is "
            "geïnstalleerd, zodat wij het termijnbedrag voor stroom kunnen verhogen en voor gas "
            "verlagen; anders volgt bij de jaarafrekening een flinke nabetaling. Bij een hybride "
            "warmtepomp blijft de gasaansluiting. Bij een volledig elektrische warmtepomp kan de "
            "klant de gasaansluiting laten verwijderen door de netbeheerder; het gascontract "
            "eindigt dan zonder opzegvergoeding op de verwijderdatum."
        ),
    ),
    (
        ("business", "vat", "invoice"),
        545,
        "Business customers: VAT and company details on the invoice",
        (
            "Small businesses on a consumer contract can have the company name and VAT number "
            "printed on the invoice: add them in Mijn Polder under Personal details > Business "
            "details. Invoices already sent are not reissued, but a VAT statement for the past "
            "year can be requested from the billing team. Companies using more than 50,000 kWh or "
            "5,000 m3 a year need a business contract; refer them to Polder Zakelijk on 088 765 "
            "4400. The energy tax refund per connection also applies to business premises."
        ),
        "Zakelijke klanten: btw en bedrijfsgegevens op de factuur",
        (
            "Kleine ondernemers met een consumentencontract kunnen de bedrijfsnaam en het "
            "btw-nummer op de factuur laten zetten: vul ze in bij Mijn Polder onder Persoonlijke "
            "gegevens > Bedrijfsgegevens. Verstuurde facturen maken wij niet opnieuw, maar het "
            "facturatieteam kan een btw-overzicht over het afgelopen jaar maken. Bedrijven die "
            "meer dan 50.000 kWh of 5.000 m3 per jaar gebruiken, hebben een zakelijk contract "
            "nodig; verwijs ze naar Polder Zakelijk op 088 765 4400. De belastingvermindering per "
            "aansluiting geldt ook voor bedrijfspanden."
        ),
    ),
    (
        ("internet", "speed", "subscription"),
        355,
        "Internet speeds and which one to choose",
        (
            "Polder Fiber comes in 100, 500 and 1000 Mbit/s, with the same upload speed as "
            "download. A single person who streams and works from home is fine with 100 Mbit/s; a "
            "family with several people streaming and video calling at once does better with 500 "
            "Mbit/s; 1000 Mbit/s is for heavy downloaders and many devices. DSL reaches at most "
            "100 Mbit/s down and 30 Mbit/s up, depending on the distance to the street cabinet. "
            "Wi-Fi at home often limits the speed more than the subscription does."
        ),
        "Internetsnelheden en welke je kiest",
        (
            "Polder Glasvezel is er in 100, 500 en 1000 Mbit/s, met dezelfde uploadsnelheid als "
            "downloadsnelheid. Wie alleen woont, streamt en thuiswerkt, heeft genoeg aan 100 "
            "Mbit/s; een gezin waarin meerdere mensen tegelijk streamen en videobellen, zit beter "
            "met 500 Mbit/s; 1000 Mbit/s is voor grote downloaders en veel apparaten. DSL haalt "
            "hooguit 100 Mbit/s download en 30 Mbit/s upload, afhankelijk van de afstand tot de "
            "wijkkast. Thuis beperkt de wifi de snelheid vaak meer dan het abonnement."
        ),
    ),
    (
        ("energy tax", "tax refund", "billing"),
        680,
        "Energy tax and the tax reduction per connection",
        (
            "Energy tax and the storage fee for sustainable energy (ODE, now included in energy "
            "tax) are set by the government and charged per kWh and m3. Every household "
            "connection gets a fixed tax reduction (belastingvermindering) per year, deducted "
            "monthly on the invoice. It applies only to a connection with a residential function; "
            "holiday homes and garages usually do not get it. If the reduction is missing from an "
            "invoice, check in the back office whether the connection is marked as a residence."
        ),
        "Energiebelasting en belastingvermindering",
        (
            "Energiebelasting stelt de overheid vast en wordt per kWh en m3 berekend. Elke "
            "huishoudelijke aansluiting krijgt per jaar een vaste belastingvermindering, die "
            "maandelijks op de factuur wordt verrekend. Die geldt alleen voor een aansluiting met "
            "een woonfunctie; vakantiehuizen en garages krijgen hem meestal niet. Ontbreekt de "
            "vermindering op een factuur, kijk dan in de backoffice of de aansluiting als woning "
            "staat geregistreerd."
        ),
    ),
    (
        ("medical equipment", "priority", "outage"),
        270,
        "Customers who depend on medical equipment",
        (
            "Customers who depend on electrically powered medical equipment at home (oxygen "
            "concentrator, home dialysis, ventilator) can register this with us and with their "
            "network operator. They are never disconnected for arrears, get priority in a grid "
            "failure and are called before planned maintenance. Register it in the back office "
            "under Customer > Special circumstances with the type of equipment; no medical "
            "details are needed. Advise them to have a battery backup and an emergency plan with "
            "their care provider."
        ),
        "Klanten die afhankelijk zijn van medische apparatuur",
        (
            "Klanten die thuis afhankelijk zijn van medische apparatuur op stroom "
            "(zuurstofconcentrator, thuisdialyse, beademing) kunnen dat bij ons en bij hun "
            "netbeheerder melden. Zij worden nooit afgesloten bij een achterstand, krijgen "
            "voorrang bij een storing in het net en worden gebeld voor gepland onderhoud. "
            "Registreer het in de backoffice onder Klant > Bijzondere omstandigheden met het type "
            "apparaat; medische details zijn niet nodig. Adviseer een noodaccu en een noodplan "
            "met de zorgverlener."
        ),
    ),
    (
        ("welcome", "new customer", "first invoice"),
        78,
        "Your first invoice as a new customer",
        (
            "The first invoice arrives on the 1st of the month after supply or activation starts. "
            "It can be higher than the monthly amount because it covers a part of the first month "
            "pro rata plus one-off costs, such as the installation fee for fiber (EUR 0-75 "
            "depending on the offer) or the modem delivery costs. From the second invoice the "
            "normal monthly amount applies. New customers with direct debit see the first "
            "collection around the 25th; the mandate from the sign-up is used, no separate action "
            "is needed."
        ),
        "Uw eerste factuur als nieuwe klant",
        (
            "De eerste factuur komt op de 1e van de maand na de start van de levering of "
            "activering. Hij kan hoger zijn dan het maandbedrag, omdat er een deel van de eerste "
            "maand naar rato op staat plus eenmalige kosten, zoals de installatiekosten voor "
            "glasvezel (0-75 euro, afhankelijk van de aanbieding) of de verzendkosten van het "
            "modem. Vanaf de tweede factuur geldt het normale maandbedrag. Nieuwe klanten met "
            "automatische incasso zien de eerste afschrijving rond de 25e; de machtiging van de "
            "aanmelding wordt gebruikt, er is geen aparte actie nodig."
        ),
    ),
]

# Tags of the Dutch articles: the same topics in Dutch words (an English tag would make a Dutch
# article match an English query).
_NL_TAGS: dict[str, str] = {
    "abroad": "buitenland",
    "account": "account",
    "activation": "activeren",
    "advance payment": "termijnbedrag",
    "annual statement": "jaarafrekening",
    "app": "app",
    "arrears": "achterstand",
    "authorisation": "machtiging",
    "availability": "beschikbaarheid",
    "bank transfer": "overschrijving",
    "bereavement": "overlijden",
    "billing": "facturatie",
    "business": "zakelijk",
    "cancel": "opzeggen",
    "cancellation": "opzegging",
    "channels": "zenders",
    "charging": "laden",
    "collection agency": "incassobureau",
    "compensation": "compensatie",
    "complaint": "klacht",
    "contact": "contact",
    "contact details": "contactgegevens",
    "contract": "contract",
    "cooling-off": "bedenktijd",
    "costs": "kosten",
    "credit check": "kredietcheck",
    "customer service": "klantenservice",
    "data": "data",
    "death": "overlijden",
    "debt": "schuld",
    "deposit": "waarborgsom",
    "direct debit": "automatische incasso",
    "disconnection": "afsluiting",
    "dispute": "geschil",
    "disputes committee": "geschillencommissie",
    "dynamic": "dynamisch",
    "electric car": "elektrische auto",
    "electricity": "stroom",
    "email": "e-mail",
    "emergency": "noodgeval",
    "end date": "einddatum",
    "energy": "energie",
    "energy tax": "energiebelasting",
    "engineer": "monteur",
    "equipment": "apparatuur",
    "esim": "esim",
    "feed-in": "terugleveren",
    "fees": "kosten",
    "fiber": "glasvezel",
    "first invoice": "eerste factuur",
    "fixed": "vast",
    "fixed line": "vaste lijn",
    "fraud": "fraude",
    "gas": "gas",
    "gdpr": "avg",
    "heat pump": "warmtepomp",
    "iban": "iban",
    "ideal": "ideal",
    "installation": "installatie",
    "internet": "internet",
    "internet outage": "internetstoring",
    "invoice": "factuur",
    "ip address": "ip-adres",
    "lights": "lampjes",
    "locked": "geblokkeerd",
    "login": "inloggen",
    "lost phone": "telefoon kwijt",
    "mailbox": "mailbox",
    "marketing": "reclame",
    "medical equipment": "medische apparatuur",
    "mesh": "mesh",
    "meter reading": "meterstand",
    "mobile": "mobiel",
    "modem": "modem",
    "move": "verhuizen",
    "moving": "verhuizing",
    "name": "naam",
    "new address": "nieuw adres",
    "new customer": "nieuwe klant",
    "no internet": "geen internet",
    "no signal": "geen signaal",
    "number porting": "nummerbehoud",
    "opening hours": "openingstijden",
    "opt-out": "afmelden",
    "outage": "storing",
    "packages": "pakketten",
    "paper": "papier",
    "password": "wachtwoord",
    "payment": "betaling",
    "payment plan": "betalingsregeling",
    "personal data": "persoonsgegevens",
    "phishing": "phishing",
    "phone": "telefoon",
    "pin": "pincode",
    "planned maintenance": "gepland onderhoud",
    "port forwarding": "port forwarding",
    "power outage": "stroomstoring",
    "price change": "prijswijziging",
    "prices": "prijzen",
    "priority": "voorrang",
    "privacy": "privacy",
    "puk": "puk",
    "range": "bereik",
    "reconnection": "heraansluiting",
    "recording": "opnemen",
    "refund": "terugbetaling",
    "registration": "aanmelden",
    "reminder": "herinnering",
    "renewal": "verlenging",
    "replay": "terugkijken",
    "restart": "herstarten",
    "return": "retour",
    "roaming": "roaming",
    "router": "router",
    "saving": "besparen",
    "security": "beveiliging",
    "sim": "simkaart",
    "slow internet": "traag internet",
    "smart meter": "slimme meter",
    "solar panels": "zonnepanelen",
    "speed": "snelheid",
    "stolen": "gestolen",
    "subscription": "abonnement",
    "supply": "levering",
    "switching": "overstappen",
    "tariffs": "tarieven",
    "tax refund": "belastingvermindering",
    "telephone": "telefoon",
    "tips": "tips",
    "transfer": "overzetten",
    "tv": "tv",
    "tv box": "tv-ontvanger",
    "two-step verification": "tweestapsverificatie",
    "upgrade": "upgrade",
    "usage": "verbruik",
    "variable": "variabel",
    "vat": "btw",
    "welcome": "welkom",
    "wifi": "wifi",
}

# Dutch review age = English age + shift (cycled), so both languages do not age in lockstep.
_NL_AGE_SHIFT = (9, -4, 21, 0, 13, -7, 30, 5)


def articles() -> list[dict[str, Any]]:
    """The demo articles as dicts (``age_days`` instead of timestamps), English first."""
    english: list[dict[str, Any]] = []
    dutch: list[dict[str, Any]] = []
    for i, (tags, age, en_title, en_body, nl_title, nl_body) in enumerate(_TOPICS, start=1):
        english.append(
            {
                "id": f"kb-en-{i:04d}",
                "lang": "en",
                "title": en_title,
                "body": en_body,
                "tags": list(tags),
                "age_days": age,
            }
        )
        dutch.append(
            {
                "id": f"kb-nl-{i:04d}",
                "lang": "nl",
                "title": nl_title,
                "body": nl_body,
                "tags": [_NL_TAGS.get(t, t) for t in tags],
                "age_days": max(1, age + _NL_AGE_SHIFT[i % len(_NL_AGE_SHIFT)]),
            }
        )
    return english + dutch


def seed(conn: sqlite3.Connection, now: float | None = None) -> int:
    """Create the KB schema if needed and load the demo articles; returns how many were written.

    Idempotent: articles are written by id, so seeding twice leaves one copy of each.
    """
    now = time.time() if now is None else now
    KnowledgeBase.create_schema(conn)
    kb = KnowledgeBase(conn, clock=lambda: now)
    rows = []
    for a in articles():
        when = now - a["age_days"] * 86400.0
        rows.append(
            {
                "id": a["id"],
                "lang": a["lang"],
                "title": a["title"],
                "body": a["body"],
                "tags": a["tags"],
                "updated_at": when,
                "reviewed_at": when,
            }
        )
    return kb.add_articles(rows)
