"""Writes the FABRICATED MedDRA-layout test files (en/ and fr/ MedAscii) from the table below.

Not MedDRA: the codes are invented (9xxxxxxx, outside MedDRA's range) and the hierarchy is a toy with one HLT,
HLGT and SOC. Only the file layout ($-separated ASCII, llt.asc / pt.asc / mdhier.asc / meddra_release.asc) follows
the MedDRA distribution, so the loader is tested on the shape a customer's release has. Run from the repo root:
`python tests/data/meddra_fabricated/build.py`.
"""

from __future__ import annotations

from pathlib import Path

VERSION = "99.0"  # fabricated release number
# (PT en, PT fr, other LLTs en, other LLTs fr); the PT is also an LLT of itself, as in MedDRA
TABLE: list[tuple[str, str, list[str], list[str]]] = [
    ("Headache", "Céphalée", ["Head pain", "Headaches"], ["Mal de tête", "Maux de tête"]),
    ("Migraine", "Migraine", [], []),
    ("Nausea", "Nausée", ["Feeling sick"], ["Envie de vomir"]),
    ("Vomiting", "Vomissement", [], ["Vomissements"]),
    ("Diarrhoea", "Diarrhée", ["Diarrhea"], []),
    ("Constipation", "Constipation", [], []),
    ("Abdominal pain", "Douleur abdominale", ["Stomach ache", "Stomach cramps"], ["Mal au ventre"]),
    ("Dyspepsia", "Dyspepsie", ["Heartburn"], ["Brûlure d'estomac"]),
    ("Dizziness", "Sensation vertigineuse", ["Dizzy"], ["Vertige", "Étourdissement"]),
    ("Fatigue", "Fatigue", ["Tiredness", "Tired"], ["Épuisement"]),
    ("Somnolence", "Somnolence", ["Drowsiness"], []),
    ("Insomnia", "Insomnie", ["Sleeplessness"], []),
    ("Nightmare", "Cauchemar", [], []),
    ("Anxiety", "Anxiété", ["Anxious"], ["Angoisse", "Crise d'angoisse"]),
    ("Agitation", "Agitation", ["Jittery"], []),
    ("Irritability", "Irritabilité", [], []),
    ("Mood swings", "Sautes d'humeur", [], ["Troubles de l'humeur"]),
    ("Confusional state", "État confusionnel", ["Confusion"], ["Confusion"]),
    ("Disturbance in attention", "Trouble de l'attention", ["Cognitive disorder", "Brain fog"], []),
    ("Palpitations", "Palpitations", [], []),
    ("Tachycardia", "Tachycardie", [], []),
    ("Arrhythmia", "Arythmie", [], []),
    ("Myocardial infarction", "Infarctus du myocarde", ["Heart attack"], ["Infarctus", "Crise cardiaque"]),
    ("Cerebrovascular accident", "Accident vasculaire cérébral", ["Stroke"], ["AVC"]),
    ("Syncope", "Syncope", ["Fainting"], ["Perte de connaissance", "Malaise"]),
    ("Seizure", "Convulsion", ["Seizures"], ["Crise convulsive"]),
    ("Tremor", "Tremblement", ["Shaking", "Shaky"], []),
    ("Paraesthesia", "Paresthésie", ["Paresthesia", "Tingling", "Pins and needles"], ["Fourmillements"]),
    ("Rash", "Éruption cutanée", ["Skin rash"], ["Éruption", "Plaques rouges"]),
    ("Pruritus", "Prurit", ["Itching"], ["Démangeaisons"]),
    ("Urticaria", "Urticaire", ["Hives"], []),
    ("Eczema", "Eczéma", [], []),
    ("Acne", "Acné", [], ["Boutons"]),
    ("Alopecia", "Alopécie", ["Hair loss"], ["Perte de cheveux"]),
    ("Hyperhidrosis", "Hyperhidrose", ["Sweating", "Night sweats", "Sweaty palms"], ["Sueurs", "Transpiration"]),
    ("Hot flush", "Bouffée de chaleur", ["Hot flashes"], ["Bouffées de chaleur"]),
    ("Pyrexia", "Fièvre", ["Fever"], []),
    ("Oedema", "Œdème", ["Swelling", "Edema"], ["Oedème", "Gonflement"]),
    ("Arthralgia", "Arthralgie", ["Joint pain"], ["Douleur articulaire"]),
    ("Back pain", "Dorsalgie", [], ["Mal de dos"]),
    ("Muscle spasms", "Spasmes musculaires", ["Cramps"], ["Crampe", "Crampes"]),
    ("Dysgeusia", "Dysgueusie", ["Metallic taste"], ["Goût métallique"]),
    ("Dry mouth", "Sécheresse buccale", [], ["Bouche sèche"]),
    ("Weight decreased", "Perte de poids", ["Weight loss"], ["Amaigrissement"]),
    ("Haemorrhage", "Hémorragie", ["Bleeding", "Hemorrhage"], ["Saignement"]),
    ("Gastrointestinal haemorrhage", "Hémorragie digestive", [], []),
    ("Hepatitis", "Hépatite", [], []),
    ("Liver injury", "Atteinte hépatique", ["Hepatic disorder", "Liver damage"], ["Foie a souffert"]),
    ("Renal failure", "Insuffisance rénale", [], []),
    ("Pancreatitis", "Pancréatite", [], []),
    ("Anaphylactic reaction", "Réaction anaphylactique", ["Anaphylaxis"], ["Anaphylaxie", "Choc anaphylactique"]),
    ("Hypersensitivity", "Hypersensibilité", ["Allergic reaction"], ["Réaction allergique"]),
    ("Malaise", "Malaise", [], []),
    ("Drug withdrawal syndrome", "Syndrome de sevrage", ["Withdrawal"], []),
    ("Amenorrhoea", "Aménorrhée", ["Periods stopped"], []),
    ("Adverse drug reaction", "Effet indésirable", ["Side effect"], ["Effet secondaire"]),
    ("Hepatic failure", "Insuffisance hépatique", ["Liver failure"], []),
    ("Aphthous ulcer", "Aphte", [], []),
    ("Dry skin", "Sécheresse cutanée", [], ["Peau sèche"]),
    ("Onychoclasis", "Onychoclasie", ["Brittle nails"], ["Ongles cassants"]),
    ("Nervous system disorder", "Trouble neurologique", [], []),
    ("Spina bifida", "Spina bifida", [], []),
    ("Amnesia", "Amnésie", [], []),
    ("Contusion", "Ecchymose", ["Bruising"], ["Bleu"]),
    ("Congenital anomaly", "Malformation congénitale", [], []),
    ("Weight increased", "Prise de poids", ["Weight gain"], []),
    ("Withdrawal syndrome", "Syndrome de sevrage médicamenteux", [], []),
    ("Hypertrichosis", "Hypertrichose", [], []),
    ("Vision blurred", "Vision trouble", [], ["Troubles de la vue"]),
    ("Low birth weight baby", "Faible poids de naissance", [], []),
    ("Premature baby", "Prématurité", [], []),
    ("Neurodevelopmental disorder", "Trouble du neurodéveloppement", [], []),
    ("Hair texture abnormal", "Anomalie de la texture des cheveux", [], []),
]


def write(lang: str, out: Path) -> None:
    d = out / lang / "MedAscii"
    d.mkdir(parents=True, exist_ok=True)
    soc, hlgt, hlt = "98000001", "97000001", "96000001"
    pts, llts, hier = [], [], []
    for i, (pt_en, pt_fr, llt_en, llt_fr) in enumerate(TABLE):
        pt_code = f"{91000001 + i}"
        pt_name = pt_en if lang == "en" else pt_fr
        pts.append(f"{pt_code}${pt_name}$${soc}$$$$$$$$")
        hier.append(f"{pt_code}${hlt}${hlgt}${soc}${pt_name}$Fabricated HLT$Fabricated HLGT$Fabricated SOC$Fab$${soc}$Y$")
        names = [pt_name, *(llt_en if lang == "en" else llt_fr)]
        for j, name in enumerate(names):
            code = pt_code if j == 0 else f"{92000000 + i * 10 + j}"
            llts.append(f"{code}${name}${pt_code}$$$$$$$Y$$")
        # one non-current LLT per language, which the coder must never propose
    llts.append(f"92999999${'Obsolete term' if lang == 'en' else 'Terme obsolète'}$91000001$$$$$$$N$$")
    enc = "utf-8"
    (d / "pt.asc").write_text("\n".join(pts) + "\n", encoding=enc)
    (d / "llt.asc").write_text("\n".join(llts) + "\n", encoding=enc)
    (d / "mdhier.asc").write_text("\n".join(hier) + "\n", encoding=enc)
    (d / "meddra_release.asc").write_text(f"{VERSION}${'English' if lang == 'en' else 'French'}$$$$\n",
                                          encoding=enc)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    for lang in ("en", "fr"):
        write(lang, here)
