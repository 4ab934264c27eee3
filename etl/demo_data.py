"""Constants embedded in the synthetic demo generator (etl.demo): approximate real sizes, plausible names.

Populations are approximate 1 January 2012 figures (Statistics Denmark, rounded to hundreds) so that the demo's
municipalities have roughly real sizes; they are not an authoritative copy of the register.
"""
from __future__ import annotations

# Approximate total population per municipality, 1 January 2012.
POP_2012: dict[int, int] = {
    101: 542000, 147: 100200, 155: 13700, 185: 41600, 165: 27700, 151: 48100, 153: 34200, 157: 74300,
    159: 65600, 161: 21500, 163: 27000, 167: 51200, 169: 48000, 183: 21000, 173: 53800, 175: 36600,
    187: 15000, 201: 24100, 240: 42300, 210: 39500, 250: 44400, 190: 38600, 270: 40700, 260: 30800,
    217: 61700, 219: 48700, 223: 24500, 230: 55000, 400: 41300, 253: 48100, 259: 57300, 350: 26900,
    265: 84000, 269: 21100, 320: 35300, 376: 62500, 316: 69600, 326: 48800, 360: 45500, 370: 81600,
    306: 32900, 329: 32900, 330: 77400, 340: 29400, 336: 22200, 390: 45600, 420: 41200, 430: 51900,
    440: 23800, 482: 13000, 410: 37600, 480: 29600, 450: 31700, 461: 191600, 479: 58400, 492: 6500,
    530: 26400, 561: 115000, 563: 3200, 607: 50300, 510: 56200, 621: 89400, 540: 75800, 550: 38600,
    573: 50300, 575: 42800, 630: 108000, 580: 59600, 710: 47300, 766: 45900, 615: 84400, 707: 38000,
    727: 21800, 730: 95800, 741: 3800, 740: 89300, 746: 57800, 706: 42000, 751: 314500, 657: 86300,
    661: 57200, 756: 40700, 665: 20400, 760: 57000, 779: 46800, 671: 21900, 791: 94300, 810: 35800,
    813: 61000, 860: 66000, 849: 38600, 825: 1900, 846: 42300, 773: 21400, 840: 29200, 787: 44600,
    820: 37600, 851: 201100,
}

# Municipality kinds drive age structure, growth and urbanisation.
CAPITAL_CITY = {101, 147}
CAPITAL_SUBURB = {155, 185, 165, 151, 153, 157, 159, 161, 163, 167, 169, 183, 173, 175, 187}
CAPITAL_PARTIAL = {190, 230, 240, 201, 223, 253, 269}
BIG_CITY = {751, 461, 851}
OLD_PERIPHERY = {825, 741, 492, 563, 482, 400, 360, 665, 773, 306, 336}

# National age structure around 2012 (shares of all residents) and the male share per age group.
AGE_GROUPS = ("0-15", "16-29", "30-39", "40-49", "50-59", "60-69", "70+")
AGE_SHARES = (0.193, 0.170, 0.125, 0.145, 0.130, 0.125, 0.112)
MALE_SHARE = (0.513, 0.506, 0.501, 0.503, 0.499, 0.493, 0.435)
# Additive adjustments of the age shares per municipality kind (renormalised afterwards).
AGE_ADJUST = {
    "capital_city": (-0.045, 0.110, 0.045, 0.000, -0.030, -0.040, -0.030),
    "big_city": (-0.030, 0.095, 0.015, -0.010, -0.025, -0.025, -0.020),
    "capital_suburb": (0.010, -0.005, 0.000, 0.010, 0.000, -0.005, 0.005),
    "capital_partial": (0.025, -0.040, -0.020, 0.015, 0.010, 0.010, 0.005),
    "old_periphery": (-0.035, -0.055, -0.030, -0.015, 0.020, 0.055, 0.050),
    "normal": (0.008, -0.022, -0.012, 0.002, 0.006, 0.012, 0.008),
}
# Per standard deviation of a municipality's own ageing (etl/demo.py), added to its age shares (same order as
# AGE_GROUPS, sums to 0): about 2 points fewer 16-29 year-olds and 2 more aged 60+.
AGE_TILT = (-0.006, -0.018, -0.008, -0.004, 0.004, 0.014, 0.018)
# Yearly change of the age shares (ageing population), same order as AGE_GROUPS.
AGE_TREND = (-0.0008, 0.0006, -0.0010, -0.0004, 0.0000, 0.0004, 0.0012)

# Target groups of §18 grants and cooperations (labels.csv dimension target_group).
TARGET_GROUPS = ("elderly", "children_youth", "families", "disability", "mental_health", "addiction",
                 "homeless", "refugees_immigrants", "other")

# Civil-society organisations: (name template, target group, main area, does social work so may get §18
# grants). "{by}" is replaced by the municipality name.
CIVIL_ORGS: tuple[tuple[str, str, str, bool], ...] = (
    ("Ældre Sagen {by}", "elderly", "politics_religion_interest", True),
    ("Ældre Sagens besøgstjeneste i {by}", "elderly", "social_health", True),
    ("Pensionistforeningen i {by}", "elderly", "social_health", True),
    ("Ældreklubben Solsikken, {by}", "elderly", "social_health", True),
    ("Røde Kors {by}", "other", "social_health", True),
    ("Red Barnet {by}", "children_youth", "social_health", True),
    ("Ungdommens Røde Kors {by}", "children_youth", "social_health", True),
    ("DUI Leg og Virke {by}", "children_youth", "culture_sport_leisure", False),
    ("Natteravnene i {by}", "children_youth", "social_health", True),
    ("Lektiecaféen {by}", "children_youth", "education", True),
    ("Børns Vilkår, lokalafdeling {by}", "children_youth", "politics_religion_interest", True),
    ("Mødrehjælpen {by}", "families", "social_health", True),
    ("Familienetværket {by}", "families", "social_health", True),
    ("Home-Start Familiekontakt {by}", "families", "social_health", True),
    ("Dansk Handicap Forbund, {by} afdeling", "disability", "politics_religion_interest", True),
    ("LEV {by}", "disability", "social_health", True),
    ("Danske Døves Landsforbund, kreds {by}", "disability", "politics_religion_interest", True),
    ("Parasport {by}", "disability", "culture_sport_leisure", True),
    ("SIND {by}", "mental_health", "social_health", True),
    ("Bedre Psykiatri {by}", "mental_health", "social_health", True),
    ("Væresteddet Lysglimt, {by}", "mental_health", "social_health", True),
    ("Headspace {by}", "mental_health", "social_health", True),
    ("Sorggruppen i {by}", "mental_health", "social_health", True),
    ("Blå Kors {by}", "addiction", "social_health", True),
    ("AA-gruppen {by}", "addiction", "social_health", True),
    ("Lænken {by}", "addiction", "social_health", True),
    ("Kirkens Korshær {by}", "homeless", "social_health", True),
    ("Frelsens Hær {by}", "homeless", "social_health", True),
    ("Varmestuen i {by}", "homeless", "social_health", True),
    ("Dansk Flygtningehjælp Frivillignet {by}", "refugees_immigrants", "social_health", True),
    ("Venligboerne {by}", "refugees_immigrants", "social_health", True),
    ("Netværkscaféen for nydanskere, {by}", "refugees_immigrants", "social_health", True),
    ("Kræftens Bekæmpelse, {by} lokalforening", "other", "social_health", True),
    ("Hjerteforeningen {by}", "other", "social_health", True),
    ("Frivilligcenter {by}", "other", "housing_local", True),
    ("Besøgsvennerne i {by}", "elderly", "social_health", True),
    ("KFUM og KFUK i {by}", "children_youth", "politics_religion_interest", True),
    ("Settlementet {by}", "other", "social_health", True),
    ("Spejderne i {by}", "children_youth", "culture_sport_leisure", False),
    ("Gymnastikforeningen {by}", "other", "culture_sport_leisure", False),
    ("Lokalhistorisk Forening for {by}", "other", "culture_sport_leisure", False),
    ("Beboerforeningen {by} Øst", "other", "housing_local", True),
    ("{by} Idrætsforening", "children_youth", "culture_sport_leisure", False),
    ("Boldklubben {by}", "children_youth", "culture_sport_leisure", False),
    ("Musikforeningen i {by}", "other", "culture_sport_leisure", False),
    ("Læseforeningen {by}", "children_youth", "education", False),
    ("Ungdomsskolens Venner, {by}", "children_youth", "education", False),
    ("Landsbyrådet i {by}", "other", "housing_local", False),
    ("Menighedsplejen i {by}", "elderly", "politics_religion_interest", True),
)

PRIVATE_ORGS: tuple[str, ...] = (
    "Coop {by}", "Netto {by}", "Danske Bank {by}", "Sparekassen {by}", "Nykredit {by}", "Arla Foods {by}",
    "{by} Tømrer- og Snedkerforretning", "{by} Bilcenter", "Jysk {by}", "Føtex {by}", "Lokalavisen {by}",
    "{by} Erhvervsforening", "Rema 1000 {by}", "{by} Vognmandsforretning", "Bageriet Kornblomsten, {by}",
)

SOCIAL_ECONOMY_ORGS: tuple[str, ...] = (
    "Café Æblehaven, {by}", "Genbrugsbutikken {by}", "Socialøkonomisk Køkken {by}", "Grøn Værkstedet {by}",
    "Specialisterne {by}", "Kaffe & Kompagni {by}", "Cykelværkstedet Hjulspind, {by}", "Gartneriet Spiren, {by}",
    "Jobcaféen Løft, {by}",
)
