package io.runwarden.schedule;

/** A check's home sent every missed slot it found: broadcast behind them (see {@code ControlRecord.CHECK_DONE}). */
public record CheckDone(String checkId) {
}
