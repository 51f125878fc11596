/* A first guess at the type of an actor an annotator proposes, from the words they selected or typed;
 * they see it next to the actor box and change it before proposing. Pure: no DOM.
 *
 * The head noun decides (the last word: "the Kremlin's spokesperson" is a person): a role held by one
 * person, a group of people, or an organisation; otherwise two or three capitalised words are taken
 * for a person's name and an acronym for an organisation. Anything else is "other" (a place named for
 * its government, "Beijing", is left to the annotator). */

const PERSON = new Set(
  (
    "spokesperson spokesman spokeswoman minister president chancellor premier secretary ambassador " +
    "envoy official leader chief director ceo chairman chairwoman chair governor mayor senator lawmaker king queen prince " +
    "general commander analyst expert economist adviser advisor diplomat negotiator candidate judge mr mrs ms dr pope " +
    "founder owner author columnist reporter editor"
  ).split(" "),
);
const GROUP = new Set(
  (
    "analysts experts critics officials protesters protestors demonstrators residents voters lawmakers " +
    "diplomats investors activists citizens farmers workers economists observers scientists doctors students rebels " +
    "militants opponents supporters leaders ministers people sources negotiators unions families refugees"
  ).split(" "),
);
const ORGANISATION = new Set(
  (
    "ministry union council party bank agency commission organisation organization committee " +
    "court parliament government company corporation corp inc ltd institute university army navy police office " +
    "department kremlin senate congress assembly federation alliance league association fund board authority " +
    "foundation church movement newspaper cabinet administration bureau group opec nato"
  ).split(" "),
);

/** "person" | "group" | "organisation" | "other" for the words of a proposed actor. */
export function guessActorType(words) {
  const tokens = (words || "")
    .replace(/[’']s\b/g, "")
    .split(/[^\p{L}\p{N}&.-]+/u)
    .filter(Boolean);
  if (!tokens.length) return "other";
  const head = tokens[tokens.length - 1].replace(/\.$/, "").toLowerCase();
  if (PERSON.has(head)) return "person";
  if (GROUP.has(head)) return "group";
  if (ORGANISATION.has(head)) return "organisation";
  if (tokens.length === 1 && /^\p{Lu}{2,6}$/u.test(tokens[0])) return "organisation"; // an acronym: NATO, WHO
  const named = tokens.filter((t) => !/^(of|the|de|der|den|van|von|al|bin|da|la|le)$/i.test(t));
  if (named.length >= 2 && named.length <= 3 && named.every((t) => /^\p{Lu}\p{Ll}/u.test(t))) return "person";
  return "other";
}
