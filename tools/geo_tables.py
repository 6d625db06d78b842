# ruff: noqa: E501  (data tables: one line per country or region reads best)
"""Hand-kept tables the gazetteer build adds to the packaged sources.

The packages give names; they do not give demonyms, Russian adjective stems,
news-style acronyms or the groupings journalists use ("Sahel"), so those live
here, reviewed by people, one line per country or region.
"""

from __future__ import annotations

# Country -> English demonyms/adjectives (with plurals) | Russian stems.
# Russian stems match any ending ("таджикск" covers таджикский, таджикско-,
# таджикской); keep them long enough not to start ordinary words.
DEMONYMS = """
AF Afghan Afghans Afghani Afghanis | афганск афганц
AL Albanian Albanians | албанск албанц
DZ Algerian Algerians | алжирск алжирц
AD Andorran Andorrans | андоррск
AO Angolan Angolans | ангольск
AG Antiguan Antiguans |
AR Argentine Argentinian Argentinians Argentines | аргентинск аргентинц
AM Armenian Armenians | армянск армян
AU Australian Australians Aussie Aussies | австралийск австралийц
AT Austrian Austrians | австрийск австрийц
AZ Azerbaijani Azerbaijanis Azeri Azeris | азербайджанск азербайджанц азерб
BS Bahamian Bahamians |
BH Bahraini Bahrainis | бахрейнск
BD Bangladeshi Bangladeshis | бангладешск
BB Barbadian Barbadians Bajan |
BY Belarusian Belarusians Belarussian Byelorussian | белорусск белорус
BE Belgian Belgians | бельгийск бельгийц
BZ Belizean Belizeans |
BJ Beninese |
BT Bhutanese |
BO Bolivian Bolivians | боливийск
BA Bosnian Bosnians Herzegovinian | боснийск
BW Botswanan Motswana Batswana |
BR Brazilian Brazilians | бразильск бразильц
BN Bruneian Bruneians |
BG Bulgarian Bulgarians | болгарск болгар
BF Burkinabe Burkinabé | буркийск
BI Burundian Burundians | бурундийск
KH Cambodian Cambodians Khmer | камбоджийск
CM Cameroonian Cameroonians | камерунск
CA Canadian Canadians | канадск канадц
CV Cape Verdean Cape Verdeans |
CF Central African |
TD Chadian Chadians | чадск
CL Chilean Chileans | чилийск чилийц
CN Chinese | китайск китайц
CO Colombian Colombians | колумбийск колумбийц
KM Comorian Comorians |
CG Congolese |
CR Costa Rican Costa Ricans |
CI Ivorian Ivorians | ивуарийск
HR Croatian Croatians Croat Croats | хорватск хорват
CU Cuban Cubans | кубинск кубинц
CY Cypriot Cypriots | кипрск киприот
CZ Czech Czechs | чешск чех
DK Danish Dane Danes | датск датчан
DJ Djiboutian Djiboutians | джибутийск
DO Dominican Dominicans |
EC Ecuadorian Ecuadorians | эквадорск
EG Egyptian Egyptians | египетск египтян
SV Salvadoran Salvadorans Salvadorian |
GQ Equatoguinean |
ER Eritrean Eritreans | эритрейск
EE Estonian Estonians | эстонск эстонц
SZ Swazi Swazis Eswatini |
ET Ethiopian Ethiopians | эфиопск эфиоп
FJ Fijian Fijians |
FI Finnish Finn Finns | финск финн финлянд
FR French Frenchman Frenchmen Frenchwoman | французск француз
GA Gabonese | габонск
GM Gambian Gambians |
GE Georgian Georgians | грузинск грузин
DE German Germans | германск немецк немц
GH Ghanaian Ghanaians | ганск
GR Greek Greeks | греческ грек
GD Grenadian Grenadians |
GT Guatemalan Guatemalans | гватемальск
GN Guinean Guineans | гвинейск
GW Bissau-Guinean |
GY Guyanese |
HT Haitian Haitians | гаитянск
HN Honduran Hondurans | гондурасск
HU Hungarian Hungarians | венгерск венгр
IS Icelandic Icelander Icelanders | исландск
IN Indian Indians | индийск индийц
ID Indonesian Indonesians | индонезийск индонезийц
IR Iranian Iranians Persian Persians | иранск иранц
IQ Iraqi Iraqis | иракск иракц
IE Irish Irishman Irishmen | ирландск ирландц
IL Israeli Israelis | израильск израильтян
IT Italian Italians | итальянск итальянц
JM Jamaican Jamaicans | ямайск
JP Japanese | японск японц
JO Jordanian Jordanians | иорданск
KZ Kazakh Kazakhs Kazakhstani Kazakhstanis | казахск казахстанск казах
KE Kenyan Kenyans | кенийск
KI I-Kiribati |
KP North Korean North Koreans | северокорейск
KR South Korean South Koreans | южнокорейск
KW Kuwaiti Kuwaitis | кувейтск
KG Kyrgyz Kirghiz Kyrgyzstani | киргизск кыргызск киргиз кыргыз
LA Laotian Laotians Lao | лаосск
LV Latvian Latvians | латвийск латыш
LB Lebanese | ливанск ливанц
LS Basotho Mosotho |
LR Liberian Liberians | либерийск
LY Libyan Libyans | ливийск ливийц
LI Liechtensteiner |
LT Lithuanian Lithuanians | литовск литовц
LU Luxembourgish Luxembourger Luxembourgers | люксембургск
MG Malagasy Madagascan | мадагаскарск
MW Malawian Malawians | малавийск
MY Malaysian Malaysians | малайзийск
MV Maldivian Maldivians | мальдивск
ML Malian Malians | малийск
MT Maltese | мальтийск
MH Marshallese |
MR Mauritanian Mauritanians | мавританск
MU Mauritian Mauritians |
MX Mexican Mexicans | мексиканск мексиканц
FM Micronesian |
MD Moldovan Moldovans Moldavian | молдавск молдаван
MC Monegasque |
MN Mongolian Mongolians | монгольск монгол
ME Montenegrin Montenegrins | черногорск
MA Moroccan Moroccans | марокканск марокканц
MZ Mozambican Mozambicans | мозамбикск
MM Burmese Myanmarese | мьянманск бирманск
NA Namibian Namibians | намибийск
NR Nauruan |
NP Nepali Nepalese | непальск
NL Dutch Dutchman Netherlander | нидерландск голландск голландц
NZ New Zealander New Zealanders Kiwi Kiwis | новозеландск
NI Nicaraguan Nicaraguans | никарагуанск
NE Nigerien Nigeriens | нигерск
NG Nigerian Nigerians | нигерийск нигерийц
MK Macedonian Macedonians | македонск
NO Norwegian Norwegians | норвежск норвеж
OM Omani Omanis | оманск
PK Pakistani Pakistanis | пакистанск пакистанц
PW Palauan |
PS Palestinian Palestinians | палестинск палестинц
PA Panamanian Panamanians | панамск
PG Papua New Guinean |
PY Paraguayan Paraguayans | парагвайск
PE Peruvian Peruvians | перуанск перуанц
PH Filipino Filipinos Filipina Philippine | филиппинск филиппинц
PL Polish Pole Poles | польск поляк
PT Portuguese | португальск португал
QA Qatari Qataris | катарск
RO Romanian Romanians | румынск румын
RU Russian Russians | российск россиян русск
RW Rwandan Rwandans | руандийск
KN Kittitian Nevisian |
LC Saint Lucian |
VC Vincentian |
WS Samoan Samoans |
SM Sammarinese |
ST Santomean |
SA Saudi Saudis | саудовск
SN Senegalese | сенегальск
RS Serbian Serbians Serb Serbs | сербск серб
SC Seychellois |
SL Sierra Leonean Sierra Leoneans |
SG Singaporean Singaporeans | сингапурск
SK Slovak Slovaks Slovakian | словацк словак
SI Slovenian Slovenians Slovene Slovenes | словенск словенц
SB Solomon Islander |
SO Somali Somalis Somalian | сомалийск сомалийц
ZA South African South Africans | южноафриканск
SS South Sudanese | южносуданск
ES Spanish Spaniard Spaniards | испанск испанц
LK Sri Lankan Sri Lankans | шриланкийск
SD Sudanese | суданск
SR Surinamese |
SE Swedish Swede Swedes | шведск швед
CH Swiss | швейцарск швейцарц
SY Syrian Syrians | сирийск сирийц
TW Taiwanese | тайваньск
TJ Tajik Tajiks Tajikistani Tajikistanis Tadjik Tadzhik | таджикск таджик
TZ Tanzanian Tanzanians | танзанийск
TH Thai Thais | тайск таиландск
TL Timorese |
TG Togolese | тоголезск
TO Tongan Tongans |
TT Trinidadian Trinidadians Tobagonian |
TN Tunisian Tunisians | тунисск
TR Turkish Turk Turks | турецк турк турок
TM Turkmen Turkmens Turkmenistani | туркменск туркмен
TV Tuvaluan |
UG Ugandan Ugandans | угандийск
UA Ukrainian Ukrainians | украинск украинц
AE Emirati Emiratis | эмиратск
GB British Briton Britons Brit Brits English Englishman Scottish Scot Scots Welsh | британск британц английск англичан
US American Americans | американск американц
UY Uruguayan Uruguayans | уругвайск
UZ Uzbek Uzbeks Uzbekistani | узбекск узбекистанск узбек
VU Ni-Vanuatu |
VE Venezuelan Venezuelans | венесуэльск
VN Vietnamese | вьетнамск вьетнамц
YE Yemeni Yemenis | йеменск
ZM Zambian Zambians | замбийск
ZW Zimbabwean Zimbabweans | зимбабвийск
VA Vatican | ватиканск
XK Kosovar Kosovars Kosovan | косовск косовар
HK Hongkonger Hongkongers |
PR Puerto Rican Puerto Ricans | пуэрториканск
GL Greenlandic Greenlander Greenlanders | гренландск
"""

# Country -> extra names: news acronyms ("=" prefix: match case-exactly) and
# common variants the packaged sources spell differently.
COUNTRY_VARIANTS = """
US =US =USA =U.S. =U.S.A. | United States | United States of America | America | the States | США | Соединённые Штаты | Соединенные Штаты | Америка
GB =UK =U.K. | United Kingdom | Britain | Great Britain | Великобритания | Британия | Соединённое Королевство
AE =UAE =U.A.E. | United Arab Emirates | Emirates | ОАЭ | Объединённые Арабские Эмираты | Объединенные Арабские Эмираты
CD =DRC =DRCongo | DR Congo | D.R. Congo | Democratic Republic of Congo | Democratic Republic of the Congo | Congo-Kinshasa | ДРК | Демократическая Республика Конго
CG Republic of Congo | Republic of the Congo | Congo-Brazzaville | Congo Republic
CN =PRC | People's Republic of China | Mainland China | КНР | Китай
KP =DPRK | North Korea | КНДР | Северная Корея
KR South Korea | Republic of Korea | Южная Корея
RU Russian Federation | Россия | РФ | Российская Федерация
CZ Czech Republic | Czechia | Чехия
CI Ivory Coast | Côte d'Ivoire | Cote d'Ivoire | Кот-д’Ивуар | Кот-д'Ивуар
MM Burma | Myanmar | Мьянма | Бирма
SZ Swaziland | Eswatini | Свазиленд | Эсватини
TL East Timor | Timor-Leste | Восточный Тимор
CV Cape Verde | Cabo Verde | Кабо-Верде
MK North Macedonia | Macedonia | Северная Македония | Македония
VA Vatican | Vatican City | Holy See | Ватикан
NL Holland | Netherlands | Нидерланды | Голландия
SA =KSA | Saudi Arabia | Саудовская Аравия
TR Turkey | Türkiye | Турция
PS Palestine | Palestinian Territories | Palestinian territories | West Bank | Gaza | Gaza Strip | Палестина | Сектор Газа
GM The Gambia | Gambia
BA Bosnia | Bosnia and Herzegovina | Bosnia-Herzegovina | Босния и Герцеговина
TT Trinidad | Trinidad and Tobago
IR Iran | Islamic Republic of Iran | Иран
SY Syria | Сирия
LA Laos | Лаос
MD Moldova | Молдавия | Молдова
KG Kyrgyzstan | Kirghizia | Киргизия | Кыргызстан
TM Turkmenistan | Туркмения | Туркменистан
BY Belarus | Byelorussia | Белоруссия | Беларусь
XK Kosovo | Косово
TW Taiwan | Тайвань
"""

# UN M49 subregions (code -> member ISO 3166-1 alpha-2 codes).
M49_SUBREGIONS = {
    "015": "DZ EG LY MA SD TN EH",
    "014": "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
    "017": "AO CM CF TD CG CD GQ GA ST",
    "018": "BW SZ LS NA ZA",
    "011": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    "029": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
    "013": "BZ CR SV GT HN MX NI PA",
    "005": "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
    "021": "BM CA GL PM US",
    "143": "KZ KG TJ TM UZ",
    "030": "CN HK MO KP JP MN KR TW",
    "035": "BN KH ID LA MY MM PH SG TH TL VN",
    "034": "AF BD BT IN IR MV NP PK LK",
    "145": "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "151": "BY BG CZ HU PL MD RO RU SK UA",
    "154": "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB",
    "039": "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK",
    "155": "AT BE FR DE LI LU MC NL CH",
    "053": "AU CX CC HM NZ NF",
    "054": "FJ NC PG SB VU",
    "057": "GU KI MH FM NR MP PW UM",
    "061": "AS CK PF NU PN WS TK TO TV WF",
}

# UN M49 regions as unions of subregions (CLDR adds 003 North America).
M49_UNIONS = {
    "202": "014 017 018 011",
    "002": "015 014 017 018 011",
    "419": "029 013 005",
    "019": "029 013 005 021",
    "003": "021 013 029",
    "142": "143 030 035 034 145",
    "150": "151 154 039 155",
    "009": "053 054 057 061",
}

# Groupings journalists use; members are countries, ISO 3166-2 codes or
# M49 codes. "Aliases" follow the name after "|". Seas and oceans have no
# members: they are known so that "Indian Ocean" is not read as India, and
# they are not valid rule regions.
GROUPINGS = """
Middle East | Near East | Ближний Восток | Middle Eastern = BH CY EG IR IQ IL JO KW LB OM PS QA SA SY TR AE YE
Middle East and North Africa | MENA = BH CY EG IR IQ IL JO KW LB OM PS QA SA SY TR AE YE DZ LY MA TN
Maghreb | Magreb | Магриб = DZ LY MA MR TN EH
Levant | Левант = IL JO LB PS SY CY
Gulf States | Gulf states | Persian Gulf | Arab Gulf | GCC | Персидский залив | Страны Персидского залива = BH KW OM QA SA AE
Arabian Peninsula | Аравийский полуостров = BH KW OM QA SA AE YE
Caucasus | Кавказ = AM AZ GE RU-DA RU-IN RU-CE RU-KB RU-KC RU-SE RU-STA RU-KDA RU-AD
South Caucasus | Transcaucasia | Закавказье | Южный Кавказ = AM AZ GE
North Caucasus | Северный Кавказ = RU-DA RU-IN RU-CE RU-KB RU-KC RU-SE RU-STA
Balkans | Balkan Peninsula | Балканы = AL BA BG HR GR ME MK RS SI RO XK
Western Balkans | Западные Балканы = AL BA ME MK RS XK
Sahel | Сахель = BF CM GM GN ML MR NE NG SN TD
Horn of Africa | Африканский Рог = DJ ER ET SO
Great Lakes region | African Great Lakes = BI CD RW UG TZ KE
Lake Chad Basin = CM NE NG TD
Central Asia | Middle Asia | Центральная Азия | Средняя Азия = 143
Southeast Asia | South-East Asia | ASEAN | Юго-Восточная Азия = 035
South Asia | Южная Азия = 034
East Asia | Восточная Азия = 030
West Africa | Западная Африка = 011
East Africa | Восточная Африка = 014
North Africa | Северная Африка = 015
Central Africa | Центральная Африка = 017
Scandinavia | Скандинавия = DK NO SE
Nordic countries | Nordics = DK FI IS NO SE FO GL AX
Baltic states | Baltics | Прибалтика | Страны Балтии = EE LV LT
Benelux | Бенилюкс = BE NL LU
Iberian Peninsula | Iberia = ES PT AD GI
British Isles = GB IE IM JE GG
Central Europe | Центральная Европа = AT CZ DE HU LI PL SK SI CH
Indochina | Индокитай = KH LA VN MM TH
Korean Peninsula | Корейский полуостров = KP KR
European Union | EU | Европейский союз | Евросоюз | ЕС = AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE
Commonwealth of Independent States | CIS | СНГ | Содружество Независимых Государств = AM AZ BY KZ KG MD RU TJ UZ
Former Soviet Union | post-Soviet states | USSR | Soviet Union | СССР | Советский Союз | постсоветское пространство = AM AZ BY EE GE KZ KG LV LT MD RU TJ TM UA UZ
Pacific Islands | Pacific Island countries = 054 057 061
New England = US-ME US-NH US-VT US-MA US-RI US-CT
Midwest | Midwestern United States = US-IL US-IN US-IA US-KS US-MI US-MN US-MO US-NE US-ND US-OH US-SD US-WI
Pacific Northwest = US-WA US-OR US-ID
Deep South = US-AL US-GA US-LA US-MS US-SC
Indian Ocean | Индийский океан =
Pacific Ocean | Тихий океан =
Atlantic Ocean | Атлантический океан =
Arctic Ocean | Северный Ледовитый океан =
Mediterranean Sea | Средиземное море =
Red Sea | Красное море =
Black Sea | Чёрное море =
Caspian Sea | Каспийское море =
Baltic Sea | Балтийское море =
North Sea | Северное море =
South China Sea | Южно-Китайское море =
Gulf of Mexico | Мексиканский залив =
"""

# Names the ISO data spells locally or not at all (first one: display name).
SUBDIVISION_ALIASES = {
    "TJ-GB": ["Gorno-Badakhshan", "GBAO", "Badakhshan", "Горно-Бадахшанская", "Горный Бадахшан"],
    "TJ-SU": ["Sughd", "Sogd", "Согдийская область", "Согд"],
    "TJ-KT": ["Khatlon", "Хатлонская область", "Хатлон"],
    "KG-B": ["Batken", "Баткенская область", "Баткен"],
    "KG-O": ["Osh Region", "Ошская область"],
    "KG-J": ["Jalal-Abad Region", "Джалал-Абадская область"],
    "UZ-FA": ["Fergana Region", "Ферганская область"],
    "GB-WLS": ["Wales", "Уэльс"],
    "GB-ENG": ["England", "Англия"],
    "GB-SCT": ["Scotland", "Шотландия"],
    "GB-NIR": ["Northern Ireland", "Северная Ирландия"],
    "RU-CE": ["Chechnya", "Chechen Republic", "Чечня", "Чеченская Республика"],
    "RU-DA": ["Dagestan", "Дагестан"],
    "RU-IN": ["Ingushetia", "Ингушетия"],
    "UA-43": ["Crimea", "Крым"],
    "UA-14": ["Donetsk Oblast", "Донецкая область"],
    "UA-09": ["Luhansk Oblast", "Луганская область"],
    "US-DC": ["District of Columbia"],
}

# AP-style state abbreviations in US local news ("Athens, Ga."); matched with
# their dot and case, so "La" and "Pa" alone are nothing.
US_STATE_ABBREVIATIONS = {
    "AL": "Ala.",
    "AZ": "Ariz.",
    "AR": "Ark.",
    "CA": "Calif.",
    "CO": "Colo.",
    "CT": "Conn.",
    "FL": "Fla.",
    "GA": "Ga.",
    "IL": "Ill.",
    "KS": "Kan.",
    "KY": "Ky.",
    "LA": "La.",
    "MD": "Md.",
    "MA": "Mass.",
    "MI": "Mich.",
    "MN": "Minn.",
    "MS": "Miss.",
    "MO": "Mo.",
    "MT": "Mont.",
    "NE": "Neb.",
    "NV": "Nev.",
    "NH": "N.H.",
    "NJ": "N.J.",
    "NM": "N.M.",
    "NY": "N.Y.",
    "NC": "N.C.",
    "ND": "N.D.",
    "OK": "Okla.",
    "OR": "Ore.",
    "PA": "Pa.",
    "RI": "R.I.",
    "SC": "S.C.",
    "SD": "S.D.",
    "TN": "Tenn.",
    "TX": "Texas",
    "VT": "Vt.",
    "VA": "Va.",
    "WA": "Wash.",
    "WV": "W.Va.",
    "WI": "Wis.",
    "WY": "Wyo.",
}

# The same for Canadian provinces and Australian states; "B.C." is left out
# (it is also the era), and so are two-letter codes such as "WA".
OTHER_ABBREVIATIONS = {
    "CA-ON": ("Ont.",),
    "CA-QC": ("Que.",),
    "CA-AB": ("Alta.",),
    "CA-SK": ("Sask.",),
    "CA-NL": ("Nfld.",),
    "AU-NSW": ("NSW", "N.S.W."),
    "AU-QLD": ("Qld", "Qld."),
}
