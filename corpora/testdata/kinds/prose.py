"""Hand-written body prose for the kinds corpus: sentence pools by topic, with slots.

Everything here was written for this corpus (none of it is taken from ../shared or elsewhere).
A body paragraph is two to five sentences of one topic, slots filled from the lists below; some
paragraphs are quotes with a reporting verb, some op-ed first person, some a one-line aside.
"""

COUNTRIES = [
    "Kazakhstan",
    "Brazil",
    "Indonesia",
    "Turkey",
    "Vietnam",
    "Nigeria",
    "Poland",
    "Chile",
    "Egypt",
    "Malaysia",
    "Argentina",
    "Serbia",
    "Pakistan",
    "Morocco",
    "Peru",
    "Georgia",
    "Kenya",
    "Mongolia",
]
OFFICIALS = [
    "the foreign minister",
    "the deputy prime minister",
    "a senior trade negotiator",
    "the central bank governor",
    "the energy minister",
    "a spokesperson for the presidency",
    "the defence secretary",
    "an EU envoy",
]
NAMES = [
    "Marta Kowalczyk",
    "Rafael Antunes",
    "Aigerim Bekova",
    "Tunde Adeyemi",
    "Leila Haddad",
    "Tomas Varga",
    "Nguyen Thi Lan",
    "Samuel Okafor",
    "Irina Volkova",
    "Diego Salazar",
    "Hana Novak",
    "Farid Qureshi",
]
ORGS = [
    "the Asian Development Bank",
    "the IMF",
    "a Geneva-based think tank",
    "the regional energy agency",
    "an independent polling firm",
    "the national statistics office",
    "a consortium of shipping insurers",
]
VERBS = ["said", "told reporters", "argued", "warned", "insisted", "noted", "wrote", "told a press briefing"]

TOPICS = {
    "energy": [
        "{country} has spent the past decade trying to reduce its reliance on a single pipeline route.",
        "The new terminal, due to open in {year}, would double the volume of liquefied gas the port can handle.",
        "Prices on the spot market rose {pct} percent in the week after the announcement.",
        "Engineers say the compressor stations along the route are older than most of the people who run them.",
        "Critics point out that the contract locks the buyer into fixed volumes until {year2}.",
        "Nobody in the ministry expected the tender to attract so few bidders.",
        "The deal also covers a refinery upgrade that has been postponed three times since {year0}.",
        "For households the change will show up first in winter heating bills, not in trade statistics.",
        "Analysts at {org} estimate that transit fees alone bring in {money} a year.",
        "A second line, announced with some fanfare, has yet to receive financing.",
        "Storage sites were {pct} percent full at the start of October, well above the five-year average.",
        "The regulator has asked both companies to publish the pricing formula, which they have so far refused to do.",
    ],
    "trade": [
        "Exports to {country} fell for the fourth consecutive quarter, according to customs data.",
        "The agreement lowers tariffs on machinery and farm goods but leaves steel out entirely.",
        "Small manufacturers complain that the paperwork costs more than the duty it replaces.",
        "Talks stalled last spring over rules of origin for electric-vehicle batteries.",
        "{official} described the outcome as a floor, not a ceiling.",
        "The trade surplus narrowed to {money} in {month}, the smallest figure in six years.",
        "Shipping companies have rerouted container traffic through the southern corridor.",
        "Importers stockpiled components in the weeks before the new rules took effect.",
        "The last comparable treaty took eleven years to negotiate and was never fully ratified.",
        "Farm lobbies in {country} have threatened to block border crossings if quotas are raised.",
        "Customs officers now inspect one lorry in five, up from one in twenty a year ago.",
        "Economists disagree about whether the measures will survive a change of government.",
    ],
    "security": [
        "The exercises, the largest in the region since {year0}, involved about {thousands} troops.",
        "Diplomats in {country} have been careful not to take sides in public.",
        "The treaty commits neither party to come to the other's defence, a point often missed in commentary.",
        "Satellite images published last week show new hangars at the airbase.",
        "{official} dismissed reports of a secret protocol as speculation.",
        "Border incidents have become rarer since the hotline was restored in {month}.",
        "Arms purchases from abroad now account for less than a third of the procurement budget.",
        "Few in the capital believe the ceasefire will hold through the winter.",
        "The parliament approved the deployment by a margin of only {small} votes.",
        "Observers from {org} were not allowed to visit the disputed villages.",
        "Military spending has risen to {pct} percent of GDP, the highest share in two decades.",
        "What the alliance means in practice remains unclear, even to some of those who signed it.",
    ],
    "elections": [
        "Turnout in the first round was {pct} percent, slightly lower than in {year0}.",
        "The opposition candidate campaigned almost entirely on the cost of living.",
        "Polls had predicted a close race, but the margin in the capital was wider than expected.",
        "Observers from {org} reported long queues but no systematic fraud.",
        "The governing party lost its majority in the upper house for the first time since {year0}.",
        "Coalition talks could take weeks, and the outgoing cabinet stays in office until they conclude.",
        "Young voters in {country} moved decisively towards smaller parties.",
        "{official} conceded defeat shortly after midnight.",
        "A recount was ordered in {small} districts where the gap was under one hundred votes.",
        "Campaign finance rules were tightened after the scandal of {year0}, but enforcement is patchy.",
        "The new president has promised a referendum on the constitution within a year.",
        "Regional results show a country divided between its cities and its farmland.",
    ],
    "technology": [
        "The chip plant in {country} will be the first of its kind outside East Asia.",
        "Export controls on advanced lithography tools were widened in {month}.",
        "Local start-ups say access to cloud computing matters more to them than subsidies.",
        "The data-protection law requires foreign platforms to store citizens' records inside the country.",
        "{official} said the satellite network would cover remote regions by {year}.",
        "Investment in the sector reached {money} last year, according to {org}.",
        "Engineers trained abroad are returning in larger numbers than at any time since {year0}.",
        "The rules on facial recognition are vaguer than campaigners had hoped.",
        "A shortage of transformers, not of chips, is now the main bottleneck for new data centres.",
        "The government's own procurement has become the largest single market for domestic software.",
        "Telecom operators have until {year2} to remove equipment from the banned suppliers.",
        "Few of the promised research centres have moved beyond the planning stage.",
    ],
    "climate": [
        "Rainfall in the northern provinces was {pct} percent below the long-term average.",
        "The coal phase-out date has been moved twice, most recently to {year2}.",
        "Farmers in {country} are switching to crops that need less water, with mixed results.",
        "The adaptation fund has disbursed only a fraction of the {money} pledged at the summit.",
        "{official} said the country would not accept targets that slowed its development.",
        "Heatwaves now arrive earlier in the year and last longer, meteorologists say.",
        "Insurance premiums for coastal property have tripled since {year0}.",
        "The carbon price remains too low to change investment decisions, according to {org}.",
        "Solar capacity grew faster than any forecast made five years ago.",
        "Glacier melt has already changed the flow of the river that feeds two capitals.",
        "Negotiators left the talks without agreeing on who should pay for loss and damage.",
        "Local officials admit the flood defences were designed for a climate that no longer exists.",
    ],
}

QUOTES = [
    "“We are not choosing between partners; we are choosing what is good for our economy,” {name} {verb}.",
    "“There is no plan B, and everyone in the room knows it,” {official} {verb}.",
    "{name}, who advised the previous government, {verb} that the timetable was “wildly optimistic”.",
    "“Nobody wants to be the first to blink,” {verb} {name}, a researcher at {org}.",
    "According to {name}, the figures “tell only half of the story”.",
    "“If this fails, it will not be for lack of money,” {official} {verb} on {weekday}.",
    "{name} {verb} that “the window for compromise is closing faster than people think”.",
    "Asked whether the deal was final, {official} {verb}: “Nothing is final until it is signed.”",
]

OPINION = [
    "I have covered these talks for {small} years, and I have rarely seen both sides so far apart.",
    "Let me be clear: the problem is not the treaty itself but what we expect it to do.",
    "We should stop pretending that sanctions work the way their authors promised.",
    "My own view is that the critics are right about the risks and wrong about the alternatives.",
    "You do not have to admire the government to see that its critics have offered nothing better.",
    "I would go further: the real story is the one nobody in the capital wants to tell.",
    "What are we to make of this? The honest answer is that nobody knows yet.",
    "Why does this matter to anyone outside the region? Because the same logic applies everywhere.",
]

ASIDES = [
    "This will not be easy.",
    "Nobody was surprised.",
    "The numbers speak for themselves.",
    "That is only half the picture.",
    "The reaction was swift.",
    "Then came the election.",
    "So far, it has not worked.",
    "The answer may be simpler than it looks.",
]

HEADINGS_TITLE = [
    "A Fragile Balance",
    "Money Talks",
    "The View From the Capital",
    "What Comes Next",
    "Old Rivals, New Terms",
    "The Price of Delay",
    "Winners and Losers",
    "Beyond the Headlines",
    "A Question of Trust",
    "The Long Game",
]
HEADINGS_SENTENCE = [
    "Why the timing matters",
    "What the numbers show",
    "A deal with strings attached",
    "The regional picture",
    "Where this leaves the opposition",
    "Risks ahead",
    "How we got here",
    "The view from industry",
]

HEADLINES = {
    "energy": [
        "{country} Bets on a Second Pipeline as Prices Climb",
        "Gas deal leaves {country} with few options",
        "Why {country}'s new LNG terminal may come too late",
        "The quiet scramble for {country}'s gas",
    ],
    "trade": [
        "{country} and Its Neighbours Sign a Trade Pact Few Expected",
        "Tariff cuts, with exceptions",
        "Can the new trade corridor through {country} pay for itself?",
        "Exporters brace for new rules in {country}",
    ],
    "security": [
        "Troops, Treaties and Talk: {country}'s Balancing Act",
        "A ceasefire nobody trusts",
        "Is {country} drifting out of the alliance?",
        "New hangars, old suspicions in {country}",
    ],
    "elections": [
        "{country} Votes for Change, but Which Kind?",
        "The opposition's narrow path to power in {country}",
        "What the runoff in {country} will decide",
        "Cities against countryside in {country}",
    ],
    "technology": [
        "{country}'s Chip Ambitions Meet Reality",
        "Data rules that foreign platforms fear",
        "Who controls {country}'s satellite network?",
        "The engineers are coming home to {country}",
    ],
    "climate": [
        "{country} Delays Its Coal Exit Again",
        "Drought rewrites the farming calendar in {country}",
        "Who pays for the floods in {country}?",
        "Solar beats every forecast in {country}",
    ],
}

STANDFIRSTS = [
    "The decision will shape the region's politics for a decade, whatever its critics say.",
    "A deal that looks good on paper faces a harder test in practice",
    "Officials call it a breakthrough; the markets are less sure",
    "Behind the ceremony lies a long list of unresolved questions",
    "Three things to know about a decision that surprised almost everyone",
]
