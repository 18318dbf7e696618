"""Write a synthetic manual of N chapters in the content format (content/README.md).

    python bench/generate.py --chapters 1000 --out /tmp/manual-1000

The text is realistic in the ways that matter to search: sentences come from word-level Markov
chains trained on the sample manual (content/chapters), one chain per sample chapter, so each
topic keeps its own vocabulary (county lines stay in exploitation chapters, FGM in its own) and
common words stay common; chapters on topics the sample does not cover get their own topic
terms woven into general text. About 10 sections a chapter, ~100 words a section; about 20% of
chapters have a second version (so superseded text is in the index too), 2% a scheduled one,
and some sections cross-link to other chapters. The same seed always writes the same manual.
"""

import argparse
import datetime
import random
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "chapters"

# Topics beyond the sample manual, each with terms a chapter about it would use.
EXTRA_TOPICS = {
    "Neglect": ["neglect", "persistent failure", "basic needs", "home conditions", "hygiene"],
    "Private Fostering": ["private fostering", "private foster carer", "notification", "28 days"],
    "Forced Marriage": ["forced marriage", "Forced Marriage Unit", "FMPO", "duress"],
    "Children Missing Education": ["missing education", "elective home education", "roll"],
    "Fabricated or Induced Illness": ["fabricated illness", "induced illness", "paediatrician"],
    "Parental Mental Health": ["parental mental health", "psychiatric", "adult services"],
    "Young Carers": ["young carer", "caring role", "carer's assessment", "respite"],
    "Homelessness": ["homelessness", "16 and 17 year olds", "accommodation", "housing"],
    "Substance Misuse": ["substance misuse", "alcohol", "drug use", "treatment services"],
    "Self-harm and Suicide": ["self-harm", "suicidal thoughts", "crisis team", "CAMHS"],
    "Honour-based Abuse": ["honour-based abuse", "HBA", "shame", "extended family"],
    "Unaccompanied Children": ["unaccompanied", "asylum-seeking", "age assessment", "UASC"],
    "Disabled Children": ["disabled children", "communication needs", "EHC plan", "respite"],
    "Pre-birth Assessment": ["pre-birth", "unborn baby", "midwife", "birth plan"],
    "Bruising in Non-mobile Babies": ["bruising", "non-mobile", "skeletal survey", "injury"],
    "Missing Children": ["missing from home", "missing from care", "return interview"],
    "Child Death Reviews": ["child death", "CDOP", "rapid response", "sudden unexpected death"],
    "Serious Youth Violence": ["youth violence", "knife crime", "contextual safeguarding"],
    "Children in Custody": ["custody", "youth offending", "secure estate", "remand"],
    "Early Help": ["early help", "lead practitioner", "team around the family", "EHA"],
    "Safer Recruitment": ["safer recruitment", "references", "DBS check", "interview panel"],
    "Escalation": ["escalation", "professional disagreement", "resolution", "challenge"],
    "Child Protection Plans": ["child protection plan", "core group", "review conference"],
    "Looked After Children": ["looked after", "care plan", "placement", "independent reviewing"],
    "Trafficking": ["trafficking", "modern slavery", "NRM", "exploited labour"],
}

ASPECTS = [
    "Practice Guidance", "in Schools and Colleges", "in Health Settings", "in Early Years",
    "in Sport and Leisure", "in Faith Settings", "in Residential Care", "for Care Leavers",
    "for Disabled Children", "for Babies and Toddlers", "for Adolescents", "Multi-agency Response",
    "Assessment and Planning", "Police Response", "in Youth Services", "in Foster Care",
    "and the Law", "Information for Volunteers", "in Housing Services", "in Primary Care",
    "Out of Hours", "Across Borders", "Local Arrangements", "Quick Guide", "Reviews and Learning",
]  # fmt: skip

HEADINGS = [
    "Introduction", "Definition", "Scope of this procedure", "Signs and indicators",
    "Risk factors", "Responding to concerns", "Making a referral", "Information sharing",
    "Assessment", "Strategy discussion", "Legal framework", "Roles and responsibilities",
    "Working with parents and carers", "Listening to the child", "Recording", "Training",
    "Escalation", "Further information", "Supporting the child", "Immediate action",
    "Planning and review", "Multi-agency working", "Consent", "Outcomes", "Key principles",
]  # fmt: skip
TOPICAL_HEADINGS = ["Signs of {t}", "Responding to {t}", "What {t} is", "{T} and the law"]


def clean(markdown: str) -> str:
    text = re.sub(r"\[\[[^\]|]*\|([^\]]*)\]\]", r"\1", markdown)
    text = re.sub(r"\[\[([^\]]*)\]\]", lambda m: m.group(1).split("#")[0].replace("-", " "), text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^(#+ .*|!!! \w+|---|\w+: .*)$", " ", text, flags=re.M)
    return re.sub(r"[*_`>]", " ", text)


def sentences_of(text: str) -> list[list[str]]:
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n\s*[-*]\s+|\n{2,}", text):
        tokens = sentence.split()
        if len(tokens) >= 4:
            out.append(tokens)
    return out


class Chain:
    """Order-2 word Markov chain."""

    def __init__(self, sentences):
        self.starts = []
        self.next = defaultdict(list)
        for tokens in sentences:
            padded = ["", "", *tokens, None]
            self.starts.append((tokens[0], tokens[1]))
            for a, b, c in zip(padded, padded[1:], padded[2:], strict=False):
                if (a, b) != ("", ""):
                    self.next[(a, b)].append(c)

    def sentence(self, rng, limit=40):
        a, b = rng.choice(self.starts)
        words = [a, b]
        while len(words) < limit:
            c = rng.choice(self.next.get((a, b)) or [None])
            if c is None:
                break
            words.append(c)
            a, b = b, c
        text = " ".join(words)
        if not text.endswith((".", "?", "!", ":")):
            text = text.rstrip(",;:") + "."
        if text.startswith(("See ", "see ")):
            # "See <words>." with no link is a dead end the loader refuses (procedures.dead_ends).
            text = "Where it applies, see " + text[4:]
        return text[0].upper() + text[1:]


def load_sample():
    topics = {}
    everything = []
    for folder in sorted(SAMPLE.iterdir()):
        latest = sorted(folder.glob("v*.md"), key=lambda p: int(p.stem[1:]))[-1]
        raw = latest.read_text(encoding="utf-8")
        title = re.search(r'^title: "?(.*?)"?$', raw, re.M).group(1).split(":")[0]
        body = raw.split("\n---\n", 1)[1]
        sentences = sentences_of(clean(body))
        topics[title] = Chain(sentences)
        everything += sentences
    return topics, Chain(everything)


def write_manual(out: Path, chapters: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    sample_topics, general = load_sample()
    topics = [(name, chain, []) for name, chain in sample_topics.items()]
    topics += [(name, general, terms) for name, terms in EXTRA_TOPICS.items()]
    if out.exists():
        shutil.rmtree(out)
    (out / "chapters").mkdir(parents=True)
    parts = max(1, min(30, chapters // 40))
    (out / "manual.yaml").write_text(
        "title: Synthetic manual\nparts:\n"
        + "".join(
            f"  - number: {n}\n    title: Part {n} procedures\n" for n in range(1, parts + 1)
        ),
        encoding="utf-8",
    )
    slugs = []
    counters = defaultdict(int)
    today = datetime.date.today()
    for index in range(chapters):
        name, chain, terms = topics[index % len(topics)]
        aspect = rng.choice(ASPECTS)
        part = index % parts + 1
        counters[part] += 1
        title = f"{name} {aspect}"
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") + f"-{index}"
        topic_word = (terms[0] if terms else name).lower()
        sections = []
        used = set()
        for position in range(rng.randint(8, 12)):
            if position and rng.random() < 0.3:
                heading = rng.choice(TOPICAL_HEADINGS).format(t=topic_word, T=topic_word.title())
            else:
                heading = rng.choice(HEADINGS)
            anchor = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
            if anchor in used:
                anchor = f"{anchor}-{position}"
            used.add(anchor)
            paragraphs = []
            for _ in range(rng.randint(1, 3)):
                sentences = []
                for _ in range(rng.randint(2, 4)):
                    source = chain if rng.random() < 0.7 else general
                    sentence = source.sentence(rng)
                    if terms and rng.random() < 0.5:
                        sentence = f"{sentence[:-1]}, including {rng.choice(terms)}."
                    sentences.append(sentence)
                if slugs and rng.random() < 0.15:
                    sentences.append(f"See [[{rng.choice(slugs)}]].")
                paragraphs.append(" ".join(sentences))
            sections.append(f"## {heading} {{#{anchor}}}\n\n" + "\n\n".join(paragraphs))
        text = "\n\n".join(sections) + "\n"
        number = f"{part}.{counters[part]}"
        versions = [(text, datetime.date(2023, 6, 23), "First published.")]
        if rng.random() < 0.2:
            sentence = re.compile(r"(?<=\. )[^.\n#]{20,200}\.")
            edited = sentence.sub(lambda _m: general.sentence(rng), text, count=3)
            versions.append((edited, datetime.date(2024, 6, 21), "Guidance updated."))
        if rng.random() < 0.02:
            future = today + datetime.timedelta(days=60)
            versions.append((text + "\n## Coming soon {#coming-soon}\n\nNew guidance.\n",
                             future, "Scheduled change."))  # fmt: skip
        folder = out / "chapters" / slug
        folder.mkdir()
        for number_of_version, (body, effective, summary) in enumerate(versions, start=1):
            (folder / f"v{number_of_version}.md").write_text(
                "---\n"
                f'chapter: "{number}"\nslug: {slug}\ntitle: "{title}"\npart: {part}\n'
                f"version: {number_of_version}\neffective: {effective.isoformat()}\n"
                f'summary: "{summary}"\nsample: true\n---\n\n{body}',
                encoding="utf-8",
            )
        slugs.append(slug)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    write_manual(args.out, args.chapters, args.seed)
    print(f"Wrote {args.chapters} chapters to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
