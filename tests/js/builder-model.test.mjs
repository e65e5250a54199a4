import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import {
  add,
  body,
  fieldTarget,
  filterPoses,
  holdValue,
  initialState,
  move,
  remove,
  sameRoutine,
  setNote,
  setSeconds,
  timeline,
  timelineSummary,
  totalSeconds,
  totalText,
  validate,
} from "../../static/js/builder-model.js";

const POSES = [
  { id: "cat-cow", name: "Cat-cow", sanskrit: "Marjaryasana-Bitilasana", areas: ["back", "abdomen"],
    targets: ["spine"], kind: "mobility", position: "kneeling", positions: ["floor"], per_side: false, hold_seconds: 40 },
  { id: "standing-calf-stretch", name: "Standing calf stretch", sanskrit: null, areas: ["legs"],
    targets: ["calves"], kind: "stretch", position: "standing", positions: ["standing"], per_side: true, hold_seconds: 30 },
  { id: "seated-forward-fold", name: "Seated forward fold", sanskrit: "Paśchimottānāsana", areas: ["legs", "back"],
    targets: ["hamstrings", "lower-back"], kind: "yoga", position: "seated", positions: ["floor", "bed"], per_side: false, hold_seconds: 45 },
  { id: "chair-twist", name: "Chair twist", sanskrit: null, areas: ["back"],
    targets: ["spine", "side-body"], kind: "mobility", position: "seated", positions: ["chair"], per_side: true, hold_seconds: 20 },
];

const empty = () => initialState(null, POSES);
const withSteps = (...ids) => ids.reduce((s, id) => add(s, id, POSES), { ...empty(), title: "Evening" });

group("totalSeconds follows the server's rule", () => {
  test("prep + holds + a move between consecutive holds", () => {
    const s = withSteps("cat-cow", "seated-forward-fold");
    // 10 prep + 40 + 5 move + 45
    assert.equal(totalSeconds(s, POSES), 100);
    assert.equal(totalText(s, POSES), "Total 1\u00a0min 40\u00a0s");
  });

  test("a per-side pose counts twice, with a move between its sides", () => {
    const s = withSteps("standing-calf-stretch");
    // 10 + 30 left + 5 switch + 30 right
    assert.equal(totalSeconds(s, POSES), 75);
    const two = add(s, "cat-cow", POSES);
    // three holds: 10 + 30 + 5 + 30 + 5 + 40
    assert.equal(totalSeconds(two, POSES), 120);
  });

  test("no prep or transition, and no steps", () => {
    const s = { ...withSteps("chair-twist", "cat-cow"), prep_seconds: 0, transition_seconds: 0 };
    assert.equal(totalSeconds(s, POSES), 20 + 20 + 40);
    assert.equal(totalSeconds(empty(), POSES), 0, "no steps, no time, whatever the prep");
  });

  test("a changed hold changes the total at once", () => {
    const s = setSeconds(withSteps("cat-cow"), 0, "90");
    assert.equal(totalSeconds(s, POSES), 100);
  });
});

group("timeline", () => {
  test("lists prep, holds with their sides and the moves, with start times", () => {
    const parts = timeline(withSteps("standing-calf-stretch", "cat-cow"), POSES);
    assert.deepEqual(parts.map((p) => [p.kind, p.label, p.start, p.seconds]), [
      ["prep", "Get ready", 0, 10],
      ["hold", "Standing calf stretch (left side)", 10, 30],
      ["move", "Switch sides", 40, 5],
      ["hold", "Standing calf stretch (right side)", 45, 30],
      ["move", "Move", 75, 5],
      ["hold", "Cat-cow", 80, 40],
    ]);
    const last = parts.at(-1);
    assert.equal(last.start + last.seconds, totalSeconds(withSteps("standing-calf-stretch", "cat-cow"), POSES));
  });

  test("sums it up in words", () => {
    assert.equal(timelineSummary(withSteps("standing-calf-stretch", "cat-cow"), POSES),
      "10\u00a0s to get ready, 3 holds and 2 moves of 5\u00a0s.");
    assert.equal(timelineSummary({ ...withSteps("cat-cow"), prep_seconds: 0 }, POSES), "1 hold.");
  });

  test("is empty before any pose is added", () => {
    assert.deepEqual(timeline(empty(), POSES), []);
  });
});

group("add, remove, move, setSeconds", () => {
  test("add uses the pose's usual hold and refuses unknown poses and a full list", () => {
    const s = add(empty(), "seated-forward-fold", POSES);
    assert.deepEqual(s.steps, [{ pose: "seated-forward-fold", seconds: 45, note: null }]);
    assert.equal(add(s, "no-such-pose", POSES), s);
    const full = { ...s, steps: Array.from({ length: 40 }, () => s.steps[0]) };
    assert.equal(add(full, "cat-cow", POSES), full);
  });

  test("move swaps neighbours and ignores moves off either end", () => {
    const s = withSteps("cat-cow", "chair-twist", "seated-forward-fold");
    assert.deepEqual(move(s, 2, -1).steps.map((x) => x.pose), ["cat-cow", "seated-forward-fold", "chair-twist"]);
    assert.deepEqual(move(s, 0, 1).steps.map((x) => x.pose), ["chair-twist", "cat-cow", "seated-forward-fold"]);
    assert.equal(move(s, 0, -1), s);
    assert.equal(move(s, 2, 1), s);
    assert.equal(move(s, 5, -1), s);
  });

  test("remove takes out one step; a missing index changes nothing", () => {
    const s = withSteps("cat-cow", "chair-twist");
    assert.deepEqual(remove(s, 0).steps.map((x) => x.pose), ["chair-twist"]);
    assert.deepEqual(remove(remove(s, 1), 0).steps, []);
    assert.equal(remove(s, 2), s);
    assert.equal(remove(s, -1), s);
  });

  test("setSeconds rounds and clamps to 5-600 and ignores what is not a number", () => {
    const s = withSteps("cat-cow");
    assert.equal(setSeconds(s, 0, "2").steps[0].seconds, 5);
    assert.equal(setSeconds(s, 0, "900").steps[0].seconds, 600);
    assert.equal(setSeconds(s, 0, "12.6").steps[0].seconds, 13);
    assert.equal(setSeconds(s, 0, "abc"), s);
    assert.equal(setSeconds(s, 0, ""), s);
    assert.equal(setSeconds(s, 0, "-20"), s);
    assert.equal(holdValue(" 60 "), 60);
    assert.equal(s.steps[0].seconds, 40, "the original state is never changed");
  });
});

group("setNote", () => {
  test("sets, trims on saving and clears a step's note", () => {
    const s = setNote(withSteps("cat-cow", "chair-twist"), 1, "  slowly ");
    assert.equal(s.steps[1].note, "  slowly ");
    assert.equal(body(s).steps[1].note, "slowly");
    assert.equal(setNote(s, 1, "").steps[1].note, null);
    assert.equal(body(setNote(s, 1, "   ")).steps[1].note, null);
    assert.equal(setNote(s, 5, "x"), s);
    assert.equal(setNote(s, 0, "y".repeat(200)).steps[0].note.length, 140);
  });

  test("a note over 140 characters is named by its step", () => {
    const s = withSteps("cat-cow");
    const long = { ...s, steps: [{ ...s.steps[0], note: "z".repeat(141) }] };
    assert.deepEqual(validate(long, POSES), [{ field: "steps.0.note",
      message: "Step 1: keep the note to 140 characters or fewer." }]);
  });
});

group("filterPoses", () => {
  test("matches every word in the name, Sanskrit name or targets, ignoring case and accents", () => {
    const names = (f) => filterPoses(POSES, f).map((p) => p.id);
    assert.deepEqual(names({ query: "CALF" }), ["standing-calf-stretch"]);
    assert.deepEqual(names({ query: "paschim" }), ["seated-forward-fold"]);
    assert.deepEqual(names({ query: "lower back" }), ["seated-forward-fold"]);
    assert.deepEqual(names({ query: "spine twist" }), ["chair-twist"]);
    assert.deepEqual(names({ query: "nothing like this" }), []);
    assert.equal(filterPoses(POSES, {}).length, 4);
  });

  test("filters by area, place and kind together", () => {
    const names = (f) => filterPoses(POSES, f).map((p) => p.id);
    assert.deepEqual(names({ area: "back" }), ["cat-cow", "seated-forward-fold", "chair-twist"]);
    assert.deepEqual(names({ place: "bed" }), ["seated-forward-fold"]);
    assert.deepEqual(names({ area: "back", kind: "mobility", place: "chair" }), ["chair-twist"]);
    assert.deepEqual(names({ query: "cat", place: "chair" }), []);
  });
});

group("validate", () => {
  const fields = (problems) => problems.map((p) => p.field);

  test("a good routine has no problems", () => {
    assert.deepEqual(validate(withSteps("cat-cow"), POSES), []);
  });

  test("names a short or long title and an empty routine", () => {
    const problems = validate({ ...empty(), title: " ab " }, POSES);
    assert.deepEqual(fields(problems), ["title", "steps"]);
    assert.equal(problems[0].message, "Give the routine a title of at least 3 characters.");
    assert.equal(problems[1].message, "Add at least one pose.");
    const long = validate({ ...withSteps("cat-cow"), title: "x".repeat(61) }, POSES);
    assert.match(long[0].message, /60 characters or fewer/);
  });

  test("names the step whose hold is out of range, and too many steps", () => {
    const s = withSteps("cat-cow", "chair-twist");
    const bad = { ...s, steps: [s.steps[0], { ...s.steps[1], seconds: 4 }] };
    assert.deepEqual(validate(bad, POSES), [{ field: "steps.1.seconds", message: "Step 2: hold for 5 to 600 seconds." }]);
    const many = { ...s, steps: Array.from({ length: 41 }, () => ({ ...s.steps[0], seconds: 5 })) };
    assert.match(validate(many, POSES)[0].message, /at most 40 steps; this one has 41/);
  });

  test("refuses a routine longer than 45 minutes, as the server does", () => {
    // 10 + 5 × 600 + 4 × 5 = 3030 s, over 2700 s.
    const s = { ...withSteps("cat-cow"), steps: Array.from({ length: 5 }, () => ({ pose: "cat-cow", seconds: 600, note: null })) };
    const [problem] = validate(s, POSES);
    assert.equal(problem.field, "steps");
    assert.match(problem.message, /would last 50\u00a0min 30\u00a0s; 45 minutes is the most/);
    const fits = { ...s, steps: s.steps.slice(0, 4) }; // 10 + 2400 + 15 = 2425 s
    assert.deepEqual(validate(fits, POSES), []);
  });

  test("pauses must be whole seconds from 0 to 60", () => {
    const s = { ...withSteps("cat-cow"), prep_seconds: 61, transition_seconds: -1 };
    assert.deepEqual(fields(validate(s, POSES)), ["prep_seconds", "transition_seconds"]);
  });
});

group("loading and saving", () => {
  test("initialState reads an edited routine's written_steps and fills missing holds", () => {
    const s = initialState({ title: "Mine", note: null, level: "moderate", prep_seconds: 0, transition_seconds: 3,
      written_steps: [{ pose: "cat-cow", seconds: 60, note: "slowly" }, { pose: "chair-twist", seconds: null },
        { pose: "gone-pose", seconds: 30 }] }, POSES);
    assert.deepEqual(s, { title: "Mine", note: "", level: "moderate", prep_seconds: 0, transition_seconds: 3,
      steps: [{ pose: "cat-cow", seconds: 60, note: "slowly" }, { pose: "chair-twist", seconds: 20, note: null }] });
    assert.deepEqual(initialState(null, POSES), { title: "", note: "", level: "gentle", prep_seconds: 10,
      transition_seconds: 5, steps: [] });
  });

  test("body trims text and has exactly the API's fields", () => {
    const s = { ...withSteps("cat-cow"), title: "  Night legs ", note: "  " };
    assert.deepEqual(body(s), { title: "Night legs", note: null, level: "gentle", prep_seconds: 10,
      transition_seconds: 5, steps: [{ pose: "cat-cow", seconds: 40, note: null }] });
    assert.ok(sameRoutine(s, { ...s, title: "Night legs" }));
    assert.ok(!sameRoutine(s, setSeconds(s, 0, 41)));
  });

  test("fieldTarget finds the step a server field names", () => {
    assert.deepEqual(fieldTarget("steps.3.seconds"), { step: 3 });
    assert.deepEqual(fieldTarget("steps[0].pose"), { step: 0 });
    assert.deepEqual(fieldTarget("title"), { name: "title" });
    assert.deepEqual(fieldTarget("steps"), { name: "steps" });
    assert.deepEqual(fieldTarget(undefined), { name: "body" });
  });
});
