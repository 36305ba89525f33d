"""Synthetic documents for the rules backend tests, written for these tests (no real documents)."""

from __future__ import annotations

INVOICE_EN = """Northwind Widgets Ltd · 14 Harbour Road · BS1 4XY Bristol
Fabrikam Retail
Attn: Jane Doe
22 Market Street
M2 5PL Manchester
INVOICE
Invoice Number: NW-2024-0117
Invoice Date: March 5, 2024
Due Date: April 4, 2024
Customer No: C-3381
Item Description Qty Unit Price Amount
1 Steel brackets 10 12.50 125.00
2 Mounting screws 4 6.25 25.00
Subtotal £150.00
VAT 20% £30.00
Total £180.00
Payment terms: 30 days net
Northwind Widgets Ltd
VAT Reg. No. GB 999 8888 77
"""

INVOICE_DE = """Rechnung
Verkäufer
Name: Bergmann Werkzeuge GmbH
Anschrift: Lindenallee 7, 50667 Köln
USt-IdNr.: DE999888777
Käufer
Name: Fischer & Söhne KG
Rechnungsnummer: RE-88/2023
Rechnungsdatum: 14.11.2023
Fälligkeitsdatum: 28.11.2023
Währung: EUR
Pos. Bezeichnung Menge Einzelpreis Betrag
1 Hammer 3 19,90 59,70
2 Zange 2 24,50 49,00
Gesamtbetrag netto 1.108,70 €
Umsatzsteuer 19 % 210,65 €
Gesamtbetrag brutto 1.319,35 €
Zahlbar ohne Abzug bis 28.11.2023.
"""

INVOICE_FR = """FACTURE
Facture N° : F-2022-0456
Date de facture : 15/02/2022
Date d'échéance : 17/03/2022
Vendeur :
Atelier Dupont SARL
12 rue des Lilas
69003 Lyon
Client : Maison Martin
Désignation Quantité Prix unitaire Montant HT
Réparation 1 400,00 400,00
TOTAL HT
400,00
TVA 20 %
80,00
TOTAL TTC
480,00
Devise : EUR
"""

RECEIPT_MY = """KEDAI RUNCIT SRI MAJU SDN BHD
(123456-K)
NO. 8, JALAN MAWAR 3,
TAMAN MELATI, 53100
KUALA LUMPUR
TEL: [PHONE_1]
GST REG NO: 000111222333
SIMPLIFIED TAX INVOICE
DATE: 23/06/2018 14:02 CASHIER: AINA
ITEM QTY PRICE AMT(RM)
MILO 1KG 1 15.90 15.90
ROTI GARDENIA 2 2.70 5.40
SUB TOTAL 21.30
TOTAL RM 21.30
CASH RM 50.00
CHANGE RM 28.70
THANK YOU, PLEASE COME AGAIN
"""

RECEIPT_NOISY = """B1SMILLAH CAFE
NO 3 JLN SENTUL 5, 51000 K. LUMPUR
12/01/2019 09:15
TEH TARIK 2.50
NASI LEMAK 4.00
T0TAL 6.50
THANK Y0U
"""

NDA = """MUTUAL NON-DISCLOSURE AGREEMENT
This Mutual Non-Disclosure Agreement (this "Agreement") is made as of June 1, 2021 by and between
Acme Rockets, Inc., a Delaware corporation ("Acme"), and Blue Harbor Analytics LLC, a New York limited
liability company ("Blue Harbor").
WHEREAS, the parties wish to exchange Confidential Information in connection with a possible transaction;
NOW, THEREFORE, the parties hereby agree as follows:
1. Confidential Information. Each party shall keep the Confidential Information of the other party
strictly confidential and shall not disclose it to any third party.
2. Term. This Agreement shall remain in full force and effect for a period of three (3) years from the
date hereof.
3. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of the
State of New York, without regard to its conflict of laws principles.
IN WITNESS WHEREOF, the parties have executed this Agreement as of the date first written above.
"""

MEMO = """MEMO
To: All staff
From: Facilities
Re: Parking garage closure
The parking garage will be closed for repairs next weekend. Please use the lot behind building C.
Thanks for your patience.
"""

NEWSLETTER = """Community Garden Newsletter
Spring is here! Our volunteers planted forty new seedlings this month, and the compost bins have been
moved next to the tool shed. Join us on Saturday for a picnic and a talk about bees.
"""
