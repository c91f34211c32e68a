// Package scoring owns what a game is worth and what the teacher takes home: the scores,
// the year-end famine reports, the debrief and the exports. It is a pure read model over
// a room's event log: every function folds the events with room.Apply and reads the room
// as it stood at each year's resolution, so scores change only when a year resolves and
// the same log always gives the same bytes.
//
// The rules are data (rules.json) and so is the written content (content/*.json), both
// embedded and checked at load. No goal reads deportations, hunger, procurement or
// exports, and deaths only to lower a goal: the food the "fed" goals read is shared out
// over the living and everyone the famine has killed, so a death never makes a region
// look better fed. The human cost of each year is one line of every faction's breakdown
// and can only lower it. Famine deaths appear only at the end of a year, by region, as ranges.
// The teacher's rubric scores (room's assess command) are reported apart from the
// machine's scores and the peer marks. Reports shown to the class are redacted per
// audience (Report.For, YearView.For, Debriefing.For), because a goal scored from a
// player's action would give the action away.
//
// The package imports room, economy, history, roles and i18n (its sentences come from the
// message catalogue), and nothing that does input or output: exports are functions from
// events to bytes, and the transport serves them.
package scoring
