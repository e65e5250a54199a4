import assert from "node:assert/strict";
import { describe as group, test } from "node:test";

import {
  accumulate,
  buildTimeline,
  describe,
  holdStart,
  leadInStart,
  milestones,
  milestonesBetween,
  nextPosition,
  previousPosition,
  segmentIndexAt,
  sideLabel,
  skipPosition,
  stepIndexAt,
} from "../../static/js/timeline.js";
import { formatClock } from "../../static/js/shared.js";

const step = (pose, seconds, side = null, extra = {}) => ({
  pose,
  name: pose.replace(/-/g, " "),
  side,
  seconds,
  instructions: ["Do it."],
  ...extra,
});

// prep 10 | calf L 30 | switch 5 | calf R 30 | trans 5 | child 45 | trans 5 | fold 20
const routine = {
  slug: "test",
  prep_seconds: 10,
  transition_seconds: 5,
  total_seconds: 150,
  steps: [
    step("calf", 30, "left"),
    step("calf", 30, "right"),
    step("child", 45),
    step("fold", 20),
  ],
};

const contentTotal = (r) => {
  const holds = r.steps.reduce((a, x) => a + x.seconds, 0);
  return r.prep_seconds + holds + r.transition_seconds * (r.steps.length - 1);
};

group("buildTimeline", () => {
  test("segments in order with absolute start and end", () => {
    const tl = buildTimeline(routine);
    const plain = tl.segments.map(({ kind, start, end, step, switchSides }) => [
      kind,
      start,
      end,
      step,
      switchSides,
    ]);
    assert.deepEqual(plain, [
      ["prep", 0, 10000, 0, false],
      ["hold", 10000, 40000, 0, false],
      ["transition", 40000, 45000, 1, true],
      ["hold", 45000, 75000, 1, false],
      ["transition", 75000, 80000, 2, false],
      ["hold", 80000, 125000, 2, false],
      ["transition", 125000, 130000, 3, false],
      ["hold", 130000, 150000, 3, false],
    ]);
    assert.equal(tl.total, 150000);
    assert.deepEqual(tl.holdSegment, [1, 3, 5, 7]);
    assert.ok(tl.segments.every((s, i) => s.index === i && s.duration === s.end - s.start));
  });

  test("total follows the content rule", () => {
    for (const r of [
      routine,
      { ...routine, prep_seconds: 0 },
      { ...routine, transition_seconds: 0 },
      { ...routine, steps: [step("only", 40)] },
      { prep_seconds: 60, transition_seconds: 60, steps: [step("a", 5, "left"), step("a", 5, "right")] },
    ]) {
      assert.equal(buildTimeline(r).total, contentTotal(r) * 1000);
    }
  });

  test("zero prep and zero transitions are left out", () => {
    const tl = buildTimeline({ ...routine, prep_seconds: 0, transition_seconds: 0 });
    assert.deepEqual(
      tl.segments.map((s) => s.kind),
      ["hold", "hold", "hold", "hold"],
    );
    assert.equal(tl.segments[0].start, 0);
  });

  test("switch sides only between two sides of one pose", () => {
    const tl = buildTimeline({
      prep_seconds: 5,
      transition_seconds: 5,
      steps: [step("a", 10, "left"), step("a", 10, "right"), step("b", 10, "left"), step("b", 10, "right")],
    });
    const transitions = tl.segments.filter((s) => s.kind === "transition").map((s) => s.switchSides);
    assert.deepEqual(transitions, [true, false, true]);
  });

  test("an empty routine has no segments and is over at once", () => {
    const tl = buildTimeline({ prep_seconds: 10, transition_seconds: 5, steps: [] });
    assert.equal(tl.total, 0);
    assert.equal(tl.segments.length, 0);
    assert.equal(describe(tl, 0).done, true);
  });
});

group("position lookups", () => {
  const tl = buildTimeline(routine);

  test("segment and step at boundaries", () => {
    assert.equal(segmentIndexAt(tl, -5), 0);
    assert.equal(segmentIndexAt(tl, 0), 0);
    assert.equal(segmentIndexAt(tl, 9999), 0);
    assert.equal(segmentIndexAt(tl, 10000), 1);
    assert.equal(segmentIndexAt(tl, 40000), 2);
    assert.equal(segmentIndexAt(tl, 149999), 7);
    assert.equal(segmentIndexAt(tl, 150000), 8);
    assert.equal(stepIndexAt(tl, 0), 0);
    assert.equal(stepIndexAt(tl, 42000), 1);
    assert.equal(stepIndexAt(tl, 150000), 4);
  });

  test("describe mid-hold", () => {
    const d = describe(tl, 50500);
    assert.equal(d.kind, "hold");
    assert.equal(d.step, 1);
    assert.equal(d.stepNumber, 2);
    assert.equal(d.stepCount, 4);
    assert.equal(d.segmentRemaining, 24500);
    assert.equal(d.segmentElapsed, 5500);
    assert.equal(d.totalRemaining, 99500);
    assert.equal(d.nextStep, 2);
    assert.equal(formatClock(d.segmentRemaining), "0:25");
  });

  test("describe a switch-sides transition and the end", () => {
    const d = describe(tl, 41000);
    assert.equal(d.kind, "transition");
    assert.equal(d.switchSides, true);
    assert.equal(d.step, 1);
    assert.equal(d.nextStep, 2);
    assert.equal(describe(tl, 140000).nextStep, null);
    const end = describe(tl, 150000);
    assert.equal(end.done, true);
    assert.equal(end.totalRemaining, 0);
  });
});

group("navigation", () => {
  const tl = buildTimeline(routine);

  test("next step goes to the next hold, or the end", () => {
    assert.equal(nextPosition(tl, 0), 10000); // prep → hold 0
    assert.equal(nextPosition(tl, 20000), 45000); // hold 0 → hold 1
    assert.equal(nextPosition(tl, 41000), 45000); // switch transition → hold 1
    assert.equal(nextPosition(tl, 140000), 150000); // last hold → end
  });

  test("previous step goes to the hold before the current step", () => {
    assert.equal(previousPosition(tl, 5000), 0);
    assert.equal(previousPosition(tl, 20000), 0);
    assert.equal(previousPosition(tl, 50000), 10000);
    assert.equal(previousPosition(tl, 77000), 45000); // transition before step 2 → hold 1
    assert.equal(previousPosition(tl, 150000), 130000);
  });

  test("skip goes to the lead-in of the following step", () => {
    assert.equal(skipPosition(tl, 20000), 40000);
    assert.equal(skipPosition(tl, 5000), 40000); // prep shows step 0: skip it
    assert.equal(skipPosition(tl, 140000), 150000);
    assert.equal(leadInStart(tl, 0), 0);
    assert.equal(holdStart(tl, 3), 130000);
    const noTransitions = buildTimeline({ ...routine, prep_seconds: 0, transition_seconds: 0 });
    assert.equal(leadInStart(noTransitions, 1), 30000);
  });
});

group("accumulate", () => {
  const tl = buildTimeline(routine);

  test("hold time and completed holds over a long jump", () => {
    const acc = accumulate(tl, 5000, 90000);
    assert.equal(acc.holdMs, 30000 + 30000 + 10000);
    assert.deepEqual(acc.completed, [0, 1]);
  });

  test("nothing for transitions or an empty interval", () => {
    assert.deepEqual(accumulate(tl, 40000, 45000), { holdMs: 0, completed: [] });
    assert.deepEqual(accumulate(tl, 20000, 20000), { holdMs: 0, completed: [] });
  });

  test("a hold completes exactly at its end", () => {
    assert.deepEqual(accumulate(tl, 39000, 40000).completed, [0]);
    assert.deepEqual(accumulate(tl, 40000, 41000).completed, []);
    assert.deepEqual(accumulate(tl, 0, 150000).completed, [0, 1, 2, 3]);
    assert.equal(accumulate(tl, 0, 150000).holdMs, 125000);
  });
});

group("milestones", () => {
  const tl = buildTimeline(routine);

  test("start, halfway and the last three seconds of a hold", () => {
    const ms = milestones(tl, 5); // child 80..125 s
    assert.deepEqual(
      ms.map((m) => [m.type, m.n ?? null, m.at]),
      [
        ["start", null, 80000],
        ["half", null, 102000],
        ["count", 3, 122000],
        ["count", 2, 123000],
        ["count", 1, 124000],
      ],
    );
  });

  test("short transitions count down, only holds of 10 s or more have a halfway", () => {
    assert.deepEqual(
      milestones(tl, 2).map((m) => m.type),
      ["start", "count", "count", "count"],
    );
    const short = buildTimeline({ prep_seconds: 0, transition_seconds: 3, steps: [step("a", 8), step("b", 5)] });
    assert.deepEqual(
      milestones(short, 0).map((m) => m.type),
      ["start", "count", "count", "count"],
    );
    assert.deepEqual(
      milestones(short, 1).map((m) => m.type),
      ["start"],
    );
  });

  test("between two positions, including the end", () => {
    const got = milestonesBetween(tl, 120000, 150000).map((m) => `${m.type}${m.n ?? ""}@${m.at / 1000}`);
    assert.deepEqual(got, [
      "count3@122",
      "count2@123",
      "count1@124",
      "start@125",
      "count3@127",
      "count2@128",
      "count1@129",
      "start@130",
      "half@140",
      "count3@147",
      "count2@148",
      "count1@149",
      "done@150",
    ]);
    assert.deepEqual(
      milestonesBetween(tl, -1, 0).map((m) => m.type),
      ["start"],
    );
    assert.deepEqual(milestonesBetween(tl, 5000, 5000), []);
  });
});

group("sides", () => {
  test("in words", () => {
    assert.equal(sideLabel("left"), "Left side");
    assert.equal(sideLabel("right"), "Right side");
    assert.equal(sideLabel(null), "");
  });
});
