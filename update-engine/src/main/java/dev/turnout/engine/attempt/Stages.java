package dev.turnout.engine.attempt;

import dev.turnout.engine.stages.Stage;

/** The stages of an attempt, built once by the composition root; their order is the attempter's. */
public record Stages(Stage configure, Stage check, Stage plan, Stage markTargetUnbootable,
    Stage downloadAndApply, Stage verify, Stage fetchExtensions, Stage postinstall, Stage setActive,
    Stage pruneExtensions, Stage report) {}
