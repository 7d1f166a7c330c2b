// The runwarden dashboard: plain JavaScript over the service's own JSON API, no framework, nothing fetched elsewhere.
// Every value from the API goes into the page as text (never as markup): script names and messages come from scripts.
'use strict';

const IN_PROGRESS = 2, SUCCESS = 0, FAILED = -1;
const TOKEN_KEY = 'runwarden.token';
const NEAR_DEADLINE = 0.75; // share of a run's allowed time after which it shows amber
const ALERTS_SHOWN = 20;
const ALERT_KINDS = ['failed', 'timeout', 'missed', 'recovered'];
const refreshSeconds = clampInt(new URLSearchParams(location.search).get('refresh'), 1, 300, 5);

const state = {
  clockOffset: 0,            // server time − browser time, so ages stay right on a phone with a wrong clock
  filters: {},               // the filters applied to the runs table (not what is being typed)
  cursors: [null],           // cursor of each page seen, to go back
  page: 0,
  nextCursor: null,
  detailRunId: null,
  timer: null,
  generation: 0,
  runsSeq: 0,
  channels: [],              // the notification channels last read, to re-render a row when its test send ends
  tests: new Map(),          // channel name → its test send: {pending} or {time, result} or {time, error}
  accessKnown: false,        // GET /access answered for the token this tab holds (asked again when the token changes)
  readOnly: false,           // this tab's token can read but not write: the write controls are gone from the page
  asking: false,             // the token dialog is open: nothing else may open it, the refresh waits
  locked: false,             // reads need a token and the user cancelled the dialog: nothing is read until "Enter a token…"
  writes: 0,                 // changes under way with withToken, which asks for the token itself on a 401
  leaving: false,            // the page is loading again with another token: this one must change nothing more
};

const $ = (id) => document.getElementById(id);

// ---------- small helpers ----------

function clampInt(text, min, max, fallback) {
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

/** Creates an element; strings become text nodes, so nothing from the API is ever parsed as HTML. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function now() {
  return Date.now() + state.clockOffset;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function timeNode(iso) {
  return iso ? el('time', {datetime: iso, title: iso}, formatTime(iso)) : '—';
}

/** "45 s", "12 min", "5 h 10 min", "3 d 4 h": precise enough to act on, short enough for a phone. */
function formatDuration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** ISO-8601 durations as the API writes them (PT6H, P3D, PT1H30M) made readable. */
function formatIsoDuration(text) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(text || '');
  if (!m) return text;
  const ms = (((Number(m[1] || 0) * 24 + Number(m[2] || 0)) * 60 + Number(m[3] || 0)) * 60 + Number(m[4] || 0)) * 1000;
  return `${formatDuration(ms)} (${text})`;
}

function ago(iso) {
  return iso ? `${formatDuration(now() - Date.parse(iso))} ago` : '';
}

function statusName(status) {
  return status === IN_PROGRESS ? 'in progress' : status === SUCCESS ? 'success' : status === FAILED ? 'failed' : 'unknown';
}

/**
 * How far a run in progress is through its allowed time: from its start (or last heartbeat, which moved the deadline)
 * to its deadline. Null for a finished run.
 */
function proximity(run) {
  if (!run || run.status !== IN_PROGRESS || !run.deadline) return null;
  const deadline = Date.parse(run.deadline);
  const anchor = Date.parse(run.lastHeartbeat || run.startTime || run.deadline);
  const left = deadline - now();
  const used = (now() - anchor) / Math.max(deadline - anchor, 1);
  const level = left <= 0 ? 'overdue' : used >= NEAR_DEADLINE ? 'near' : 'running';
  const label = left <= 0 ? `overdue by ${formatDuration(-left)}` : `due in ${formatDuration(left)}`;
  return {used: Math.min(1, Math.max(0, used)), level, label};
}

/** The colour class of a run: blue in progress, amber near its deadline, dark orange past it, green, red. */
function level(run) {
  if (!run) return 'none';
  if (run.status === IN_PROGRESS) return proximity(run)?.level || 'running';
  return run.status === SUCCESS ? 'success' : 'failed';
}

function pill(run) {
  if (run?.failureReason === 'missed') { // a slot of the script's schedule that no run kept: not a run that broke
    return el('span', {class: 'pill failed missed', title: 'the script did not start when its schedule expected it'}, 'missed');
  }
  return el('span', {class: `pill ${level(run)}`}, run ? statusName(run.status) : 'no run');
}

function deadlineBar(run) {
  const p = proximity(run);
  if (!p) return null;
  const fill = el('span', {class: 'fill'});
  fill.style.width = `${Math.round(p.used * 100)}%`; // CSSOM, which the page's CSP allows (style attributes it does not)
  return el('div', {class: `deadline ${p.level}`, title: `deadline ${run.deadline}`},
    el('span', {class: 'bar'}, fill), el('span', {class: 'label'}, p.label));
}

// ---------- talking to the API ----------

/**
 * One API call, with a JSON body when given: {status, body, token}; status 0 when the service cannot be reached at all.
 * The tab's token goes with every call, reads included (a read token, or reads beyond loopback, need it); token says
 * which one went, so that an answer to a token since replaced is not taken for an answer to the new one.
 */
async function api(method, path, json) {
  const headers = {Accept: 'application/json'};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const response = await fetch(path, {method, headers, cache: 'no-store',
      body: json === undefined ? undefined : JSON.stringify(json)});
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null; // a proxy's HTML error page, say: the status is what matters
    }
    return {status: response.status, body, token};
  } catch (e) {
    return {status: 0, body: null, token};
  }
}

function errorMessage(result) {
  if (result.status === 0) return 'cannot reach runwarden';
  if (result.readOnly) return 'this token can only read, so nothing was changed';
  return result.body?.error?.message || `HTTP ${result.status}`;
}

// ---------- the sections ----------

function renderSummary(scripts, inProgressRuns) {
  const total = (key) => scripts.reduce((sum, s) => sum + (s.counts?.[key] || 0), 0);
  const overdue = inProgressRuns.filter((run) => proximity(run)?.level === 'overdue').length;
  const missed = scripts.filter((s) => s.state === 'missed').length;
  const tile = (id, label, value, cls) =>
    el('div', {class: `tile ${cls}`, id}, el('span', {class: 'value'}, value), el('span', {class: 'label'}, label));
  $('summary').replaceChildren(
    tile('count-scripts', 'scripts', scripts.length, ''),
    tile('count-in-progress', 'in progress', total('inProgress'), 'running'),
    tile('count-overdue', 'overdue', overdue, overdue ? 'overdue' : ''),
    tile('count-success', 'succeeded', total('success'), 'success'),
    tile('count-failed', 'failed', total('failed'), 'failed'),
    tile('count-missed', 'missed schedule', missed, missed ? 'missed' : ''));
}

const SCHEDULE_STATES = {
  ok: 'on schedule', running: 'running', late: 'late', missed: 'missed', failed: 'failed', paused: 'paused',
};

/** "in 12 min" with the local time on hover; "due now" once it has come (until the next refresh moves it on). */
function untilNode(iso) {
  const left = Date.parse(iso) - now();
  return el('time', {datetime: iso, title: `${formatTime(iso)} (${browserZone()})`},
    left > 0 ? `in ${formatDuration(left)}` : 'due now');
}

/** "12 min ago" with the local time on hover. */
function agoTime(iso) {
  return el('time', {datetime: iso, title: `${formatTime(iso)} (${browserZone()})`}, ago(iso));
}

function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}

/** A scheduled script's expectation: its state as a badge, the schedule, the next expected start and the last start. */
function scheduleBlock(script) {
  if (!script.schedule) return null;
  const stateName = script.state || 'ok';
  return el('div', {class: `schedule ${stateName}`},
    el('p', {class: 'schedule-line'},
      el('span', {class: `badge ${stateName}`, 'data-state': stateName, title: 'against its schedule'},
        SCHEDULE_STATES[stateName] || stateName),
      ' ', el('code', {class: 'cron'}, script.schedule), ' ', el('span', {class: 'zone'}, script.timezone || 'UTC')),
    el('p', {class: 'next-start'}, 'next expected start ',
      script.nextExpectedStart ? untilNode(script.nextExpectedStart) : (stateName === 'paused' ? 'none while paused' : '—')),
    el('p', {class: 'last-start'}, 'last start ', script.lastStart ? agoTime(script.lastStart) : 'never'));
}

function scriptActions(script) {
  if (state.readOnly) return null; // a read token: no schedule to edit, pause or resume
  const name = script.scriptName;
  const paused = script.state === 'paused';
  return el('p', {class: 'card-actions'},
    el('button', {type: 'button', class: 'schedule-edit', 'data-focus': `${name}\nedit`,
      'aria-label': `${script.schedule ? 'Edit schedule' : 'Set a schedule'} of ${name}`,
      onclick: () => openSchedule(name)}, script.schedule ? 'Edit schedule' : 'Set a schedule'),
    script.schedule && el('button', {type: 'button', class: 'schedule-pause', 'data-focus': `${name}\npause`,
      'aria-label': `${paused ? 'Resume' : 'Pause'} schedule of ${name}`,
      onclick: () => setPaused(name, !paused)}, paused ? 'Resume' : 'Pause'));
}

/** Re-rendering replaces the cards: keep the keyboard focus on the same button of the same card. */
function keepingFocus(container, render) {
  const focused = container.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
  render();
  if (focused) {
    const again = [...container.querySelectorAll('[data-focus]')].find((node) => node.dataset.focus === focused);
    if (again) again.focus();
  }
}

function renderScripts(scripts) {
  $('script-names').replaceChildren(...scripts.map((s) => el('option', {value: s.scriptName})));
  if (!scripts.length) {
    $('scripts').replaceChildren(el('p', {class: 'empty'}, 'No script has reported a run yet.'));
    return;
  }
  keepingFocus($('scripts'), () => $('scripts').replaceChildren(...scripts.map((script) => {
    // a script whose state is missed has a missed slot as its latest run (the view's latestRun has no failureReason)
    const run = script.state === 'missed' && script.latestRun ? {...script.latestRun, failureReason: 'missed'} : script.latestRun;
    const counts = script.counts || {};
    const stateClass = script.state === 'missed' || script.state === 'late' || script.state === 'paused' ? ` sched-${script.state}` : '';
    return el('article', {class: `card ${level(run)}${stateClass}`, 'data-script': script.scriptName,
        'data-schedule-state': script.state},
      el('header', {},
        el('button', {type: 'button', class: 'link script-name', title: 'show its runs', 'data-focus': `${script.scriptName}\nname`,
          onclick: () => filterByScript(script.scriptName)}, script.scriptName),
        pill(run)),
      scheduleBlock(script),
      run && el('p', {class: 'latest'},
        'latest ', el('button', {type: 'button', class: 'link', onclick: () => openDetail(run.runId)}, run.runId),
        ` started ${ago(run.startTime)}`,
        run.endTime ? `, ended ${ago(run.endTime)}` : ''),
      run?.message && el('p', {class: 'message'}, run.message),
      deadlineBar(run),
      el('p', {class: 'counts'},
        el('span', {class: 'running'}, `${counts.inProgress || 0} in progress`), ' · ',
        el('span', {class: 'success'}, `${counts.success || 0} ok`), ' · ',
        el('span', {class: 'failed'}, `${counts.failed || 0} failed`)),
      script.oldestInProgressStart && el('p', {class: 'oldest'},
        `oldest in progress: started ${ago(script.oldestInProgressStart)}`),
      scriptActions(script));
  })));
}

function renderInProgress(page) {
  const runs = [...page.logs].sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline)); // most urgent first
  $('in-progress-note').textContent = page.nextCursor ? `(the ${runs.length} started last)` : `(${runs.length})`;
  if (!runs.length) {
    $('in-progress').replaceChildren(el('p', {class: 'empty'}, 'No run in progress.'));
    return;
  }
  $('in-progress').replaceChildren(...runs.map((run) =>
    el('div', {class: `running-run ${level(run)}`, 'data-run-id': run.runId, tabindex: 0, role: 'button',
        onclick: () => openDetail(run.runId), onkeydown: (e) => e.key === 'Enter' && openDetail(run.runId)},
      el('span', {class: 'who'}, el('strong', {}, run.scriptName), ' ', el('span', {class: 'run-id'}, run.runId)),
      el('span', {class: 'age'}, `running ${formatDuration(now() - Date.parse(run.startTime))}`),
      deadlineBar(run))));
}

function renderRuns(page) {
  const rows = page.logs.map((run) =>
    el('tr', {'data-run-id': run.runId, 'data-failure-reason': run.failureReason,
        class: run.runId === state.detailRunId ? 'selected' : null, tabindex: 0,
        onclick: () => openDetail(run.runId), onkeydown: (e) => e.key === 'Enter' && openDetail(run.runId)},
      el('td', {}, pill(run)),
      el('td', {class: 'script'}, run.scriptName),
      el('td', {class: 'wide run-id'}, run.runId),
      el('td', {'data-label': 'started'}, timeNode(run.startTime)),
      el('td', {'data-label': run.endTime ? 'ended' : null}, run.endTime ? timeNode(run.endTime) : deadlineBar(run) || ago(run.startTime)),
      el('td', {class: 'wide message'}, run.lateCompletion ? `${run.message || ''} (late ${statusName(run.lateCompletion.status)})` : run.message || '')));
  $('runs').tBodies[0].replaceChildren(...(rows.length ? rows
    : [el('tr', {class: 'empty'}, el('td', {colspan: 6}, 'No run matches these filters.'))]));
  state.nextCursor = page.nextCursor;
  $('next-page').disabled = !page.nextCursor;
  $('prev-page').disabled = state.page === 0;
  $('page-label').textContent = `page ${state.page + 1}`;
}

function renderCron(jobs) {
  const rows = jobs.map((job) => el('tr', {'data-job': job.name},
    el('td', {}, job.name, job.enabled ? '' : el('span', {class: 'pill none'}, 'disabled')),
    el('td', {}, el('code', {}, job.schedule), ` ${job.timezone || 'UTC'}`),
    el('td', {class: 'next-run'}, job.nextRun ? [timeNode(job.nextRun), ` (in ${formatDuration(Date.parse(job.nextRun) - now())})`] : '—'),
    el('td', {class: 'wide'}, job.description || '')));
  $('cron').tBodies[0].replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', {colspan: 4}, 'No cron job.'))]));
}

// ---------- notifications ----------

const CHANNEL_STATES = {ok: 'ok', failing: 'failing', disabled: 'disabled', never: 'never used'};
const CHANNEL_BADGES = {ok: 'ok', failing: 'failed', disabled: 'paused', never: ''};

/** ok: its last attempt was delivered; failing: it was not; never: nothing tried yet; disabled wins over all three. */
function channelState(channel) {
  if (channel.enabled === false) return 'disabled';
  const last = channel.deliveries?.lastAttempt;
  if (!last) return 'never';
  return last.outcome === 'delivered' ? 'ok' : 'failing';
}

/**
 * Where the channel sends, without anything that can be a credential: a webhook's host only (its path or query may
 * carry a token), an email's addresses; nothing of a Slack URL, a secret or a routing key, masked or not.
 */
function destination(channel) {
  if (channel.type === 'email' && channel.to?.length) return `to ${channel.to.join(', ')}`;
  if (channel.type === 'webhook' && channel.url) {
    try {
      return `to ${new URL(channel.url).host}`;
    } catch (e) {
      return null;
    }
  }
  return null;
}

/** "scripts backup, synchro* · kinds failed, timeout", or "all" for what the channel does not narrow. */
function routesLine(channel) {
  const scripts = channel.scripts || [];
  const kinds = channel.kinds || [];
  const allScripts = !scripts.length || scripts.every((glob) => glob === '*');
  const allKinds = ALERT_KINDS.every((kind) => !kinds.length || kinds.includes(kind));
  const list = (values) => values.flatMap((value, i) => [i ? ', ' : '', el('code', {}, value)]);
  return el('p', {class: 'routes'},
    'scripts ', el('span', {class: 'route-scripts'}, allScripts ? 'all' : list(scripts)),
    ' · kinds ', el('span', {class: 'route-kinds'}, allKinds ? 'all' : kinds.join(', ')));
}

/** "HTTP 503: Service busy", "could not connect: refused" (no status: a network error, email): the status once. */
function attemptDetail(attempt) {
  const status = attempt.httpStatus === null || attempt.httpStatus === undefined ? null : `HTTP ${attempt.httpStatus}`;
  if (!attempt.detail) return status || 'no detail';
  return status && !attempt.detail.startsWith(status) ? `${status} — ${attempt.detail}` : attempt.detail;
}

function testOutcome(test) {
  if (test.error) return el('p', {class: 'test-result error'}, `Test not sent: ${test.error}`);
  const result = test.result;
  if (result.outcome === 'delivered') {
    return el('p', {class: 'test-result delivered'}, 'Test delivered',
      result.httpStatus ? ` (HTTP ${result.httpStatus})` : '', ' at ', timeNode(test.time));
  }
  const then = result.outcome === 'retried' ? 'an alert would be retried' : 'an alert would be given up';
  return el('p', {class: `test-result ${result.outcome}`},
    `Test ${result.outcome} (${then}): ${attemptDetail(result)}`, ' at ', timeNode(test.time));
}

function channelCard(channel) {
  const stateName = channelState(channel);
  const summary = channel.deliveries || {};
  const last = summary.lastAttempt;
  const test = state.tests.get(channel.name);
  const where = destination(channel);
  return el('article', {class: `card channel state-${stateName}`, 'data-channel': channel.name, 'data-state': stateName},
    el('header', {},
      el('span', {class: 'channel-name'}, channel.name),
      el('span', {class: `badge ${CHANNEL_BADGES[stateName]}`, title: 'how its latest delivery attempt went'},
        CHANNEL_STATES[stateName])),
    el('p', {class: 'channel-type'}, el('strong', {class: 'type'}, channel.type), where ? ` ${where}` : '',
      channel.enabled === false ? ' · sends no alert while disabled (a test still goes)' : ''),
    routesLine(channel),
    el('p', {class: 'last-delivery'}, 'last delivery ', summary.lastDelivered ? agoTime(summary.lastDelivered) : 'never'),
    last && el('p', {class: `last-attempt ${last.outcome}`}, 'last attempt ', agoTime(last.time), ': ',
      el('strong', {class: 'outcome'}, last.outcome),
      last.outcome === 'delivered' ? '' : el('span', {class: 'attempt-detail'}, ` — ${attemptDetail(last)}`)),
    el('p', {class: 'counts'}, 'last 24 h: ',
      el('span', {class: summary.failedLast24h ? 'failed' : null}, `${summary.failedLast24h || 0} failed`), ' · ',
      el('span', {class: summary.retriedLast24h ? 'retried' : null}, `${summary.retriedLast24h || 0} retried`)),
    !state.readOnly && el('div', {class: 'card-actions'},
      el('button', {type: 'button', class: 'send-test', 'data-focus': `${channel.name}\ntest`, disabled: Boolean(test?.pending),
        'aria-label': `Send a test message to ${channel.name}`, onclick: () => sendTest(channel.name)},
      test?.pending ? 'Sending…' : 'Send test')),
    test && !test.pending && testOutcome(test));
}

/** No channel: how to add one, with this service's own address. */
function channelsEmpty() {
  const url = new URL('notifications/channels/NAME', location.href).href;
  return el('div', {class: 'empty channels-empty'},
    el('p', {}, 'No notification channel yet: alerts are listed below but sent nowhere. Add one (webhook, slack, email or pagerduty), e.g.'),
    el('pre', {class: 'command'}, el('code', {},
      `curl -X PUT -H "Authorization: Bearer $RUNWARDEN_API_TOKEN" -H 'Content-Type: application/json' `
      + `-d '{"type":"webhook","url":"https://hooks.example.com/runwarden"}' ${url}`)),
    el('p', {}, state.readOnly ? 'See "Notifications" in the README for every type and option.'
      : 'then send it a test from here. See "Notifications" in the README for every type and option.'));
}

function renderChannels(channels) {
  state.channels = channels;
  $('channels-note').textContent = channels.length ? `(${channels.length} ${channels.length === 1 ? 'channel' : 'channels'})` : '';
  if (!channels.length) {
    $('channels').replaceChildren(channelsEmpty());
    return;
  }
  keepingFocus($('channels'), () => $('channels').replaceChildren(...channels.map(channelCard)));
}

/** failed, timeout and missed alarm; recovered is good news. */
function alertPill(kind) {
  const tone = {failed: 'failed alarm', timeout: 'failed alarm', missed: 'failed missed alarm', recovered: 'success ok'}[kind];
  return el('span', {class: `pill ${tone || ''}`, 'data-kind': kind}, kind);
}

function renderAlerts(alerts) {
  $('alerts-note').textContent = alerts.length >= ALERTS_SHOWN ? `(the latest ${ALERTS_SHOWN})` : '';
  const rows = alerts.map((alert) => el('tr', {'data-alert-id': alert.alertId, 'data-kind': alert.kind},
    el('td', {}, alertPill(alert.kind)),
    el('td', {class: 'script'}, alert.scriptName),
    el('td', {class: 'wide run-id'},
      el('button', {type: 'button', class: 'link', title: 'show this run', onclick: () => openDetail(alert.runId)}, alert.runId)),
    el('td', {'data-label': 'at'}, timeNode(alert.time)),
    el('td', {class: 'message'}, alert.message || '')));
  $('alerts').tBodies[0].replaceChildren(...(rows.length ? rows
    : [el('tr', {class: 'empty'}, el('td', {colspan: 5}, 'No alert yet.'))]));
}

function field(name, label, ...value) {
  return [el('dt', {}, label), el('dd', {'data-field': name}, ...value)];
}

function renderDetail(run) {
  $('detail-title').textContent = run.runId;
  $('detail-json').href = `script/logs/${encodeURIComponent(run.runId)}`;
  const duration = run.startTime && run.endTime ? formatDuration(Date.parse(run.endTime) - Date.parse(run.startTime)) : null;
  const late = run.lateCompletion;
  $('detail-fields').replaceChildren(
    ...field('status', 'Status', pill(run)),
    ...field('scriptName', 'Script', run.scriptName),
    ...field('runId', 'Run id', run.runId),
    ...field('startTime', 'Started', timeNode(run.startTime), run.startTime ? ` (${ago(run.startTime)})` : ''),
    ...field('endTime', 'Ended', timeNode(run.endTime), duration ? ` (took ${duration})` : ''),
    ...field('deadline', 'Deadline', timeNode(run.deadline), deadlineBar(run)),
    ...field('lastHeartbeat', 'Last heartbeat', timeNode(run.lastHeartbeat)),
    ...field('maxRuntime', 'Max runtime', run.maxRuntime ? formatIsoDuration(run.maxRuntime) : 'the default'),
    ...field('failureReason', 'Failure reason', run.failureReason || '—'),
    ...field('message', 'Message', run.message || '—'),
    ...field('lateCompletion', 'Late completion', late
      ? el('span', {class: 'late'}, `the script reported ${statusName(late.status)} at `, timeNode(late.time),
        ', after a sweep had failed the run', late.message ? `: ${late.message}` : '')
      : '—'));
}

// ---------- loading ----------

function runsQuery(cursor) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state.filters)) if (value) params.set(key, value);
  if (cursor) params.set('cursor', cursor);
  return `script/logs?${params}`;
}

async function loadRuns() {
  const seq = ++state.runsSeq;
  const result = await api('GET', runsQuery(state.cursors[state.page]));
  if (seq !== state.runsSeq) return result; // a newer request (other filters, page or refresh) renders instead
  if (result.status === 200) {
    $('filter-error').hidden = true;
    renderRuns(result.body.data);
  } else if (result.status === 400) {
    $('filter-error').textContent = errorMessage(result);
    $('filter-error').hidden = false;
  }
  return result;
}

async function loadDetail() {
  if (!state.detailRunId) return null;
  const result = await api('GET', `script/logs/${encodeURIComponent(state.detailRunId)}`);
  if (result.status === 200) renderDetail(result.body.data);
  return result;
}

/**
 * Everything on the page, at once; a 503 from any part means the service is starting or rebalancing. What the tab's
 * token may do (GET /access) is asked with the first load, and again after the token changed.
 */
async function refresh() {
  clearTimeout(state.timer);
  const generation = ++state.generation; // an action's refresh may overlap the timer's: only the last one re-arms it
  if (state.locked || state.leaving) return; // no token given yet ("Enter a token…"), or the page is loading again
  if (document.hidden || state.asking) { // nobody is looking, or the token is being asked for: poll again later
    state.timer = setTimeout(refresh, refreshSeconds * 1000);
    return;
  }
  const [access, dashboard, running, runs, cron, , channels, alerts] = await Promise.all([
    state.accessKnown ? null : api('GET', 'access'),
    api('GET', 'script/dashboard-view'),
    api('GET', 'script/logs?status=2&limit=100'),
    loadRuns(),
    api('GET', 'cron-config'),
    loadDetail(),
    api('GET', 'notifications/channels'),
    api('GET', `notifications/alerts?limit=${ALERTS_SHOWN}`),
  ]);
  const results = [access, dashboard, running, runs, cron, channels, alerts].filter(Boolean);
  // 401: no token where reads need one, or the tab's token refused; 403: a token that cannot read (a metrics token)
  const refused = results.find((r) => r.status === 401 || (r.status === 403 && r.body?.error?.code === 'forbidden'));
  if (refused || (access?.status === 200 && access.body?.data?.read === false)) {
    if (results.some((r) => r.token !== sessionStorage.getItem(TOKEN_KEY)) || state.asking || state.writes) {
      // the token changed meanwhile, or a dialog is open, or a change is asking for it: look again in a moment
      if (generation === state.generation) state.timer = setTimeout(refresh, refreshSeconds * 1000);
    } else {
      readsRefused(refused || {status: 403});
    }
    return;
  }
  if (access) applyAccess(access);
  if (dashboard.status === 200) {
    state.clockOffset = Date.parse(dashboard.body.data.generatedAt) - Date.now();
  }
  if (dashboard.status === 200 && running.status === 200) {
    renderSummary(dashboard.body.data.scripts, running.body.data.logs);
    renderScripts(dashboard.body.data.scripts);
    renderInProgress(running.body.data);
  }
  if (cron.status === 200) renderCron(cron.body.data.jobs);
  if (channels.status === 200) renderChannels(channels.body.data.channels);
  if (alerts.status === 200) renderAlerts(alerts.body.data.alerts);

  if (results.some((r) => r.status === 503)) {
    setState('starting', 'starting…');
    showBanner('runwarden is starting or rebalancing; this page retries by itself.');
  } else if (results.some((r) => r.status === 0)) {
    setState('offline', 'offline');
    showBanner('Cannot reach runwarden; retrying.');
  } else {
    const failed = results.find((r) => r.status !== 200 && r.status !== 400);
    setState('ok', `updated ${formatTime(new Date().toISOString()).slice(11)}`);
    if (failed) showBanner(errorMessage(failed)); else $('banner').hidden = true;
  }
  if (generation === state.generation) state.timer = setTimeout(refresh, refreshSeconds * 1000);
}

function setState(name, text) {
  $('state').dataset.state = name;
  $('state').textContent = text;
}

function showBanner(text) {
  $('banner').textContent = text;
  $('banner').hidden = false;
}

// ---------- user actions ----------

function applyFilters() {
  const form = $('filters');
  const local = (value) => (value ? new Date(value).toISOString() : ''); // datetime-local is the browser's zone
  state.filters = {
    scriptName: form.scriptName.value.trim(),
    status: form.status.value,
    from: local(form.from.value),
    to: local(form.to.value),
    limit: form.limit.value,
  };
  state.cursors = [null];
  state.page = 0;
  return loadRuns();
}

function filterByScript(name) {
  $('filter-script').value = name;
  applyFilters();
  $('runs-section').scrollIntoView({behavior: 'smooth'});
}

function openDetail(runId) {
  state.detailRunId = runId;
  $('detail').hidden = false;
  for (const row of $('runs').tBodies[0].rows) row.classList.toggle('selected', row.dataset.runId === runId);
  loadDetail().then((result) => {
    if (result && result.status !== 200) {
      $('detail-title').textContent = runId;
      $('detail-fields').replaceChildren(el('dd', {class: 'error'}, errorMessage(result)));
    }
  });
}

function closeDetail() {
  state.detailRunId = null;
  $('detail').hidden = true;
  for (const row of $('runs').tBodies[0].rows) row.classList.remove('selected');
}

// ---------- access: the token this tab holds, and what it may do ----------

/** Which token the dialog asks for: the API token for a change; the read token or the API token to read. */
function tokenWhich(read) {
  return read
    ? ['its read token (', el('code', {}, 'RUNWARDEN_READ_TOKEN'), ') or its API token (', el('code', {}, 'RUNWARDEN_API_TOKEN'), ')']
    : ['its API token (', el('code', {}, 'RUNWARDEN_API_TOKEN'), ')'];
}

/**
 * Asks for a token in the page's own dialog (the API token for a change, or any token that reads when read is true);
 * resolves to the token, or null when cancelled. One dialog at a time: while it is open, another ask is a cancel.
 */
function askToken(error, purpose, button, read = false) {
  if (state.asking) return Promise.resolve(null);
  state.asking = true;
  const dialog = $('token-dialog');
  $('token-title').textContent = read ? 'Token' : 'API token';
  $('token-which').replaceChildren(...tokenWhich(read));
  $('token-purpose').textContent = purpose;
  $('token-submit').textContent = button;
  $('token-error').textContent = error || '';
  $('token-error').hidden = !error;
  $('token-input').value = '';
  dialog.showModal();
  return new Promise((resolve) => {
    const done = (value) => {
      state.asking = false;
      $('token-form').onsubmit = null;
      $('token-cancel').onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(value);
    };
    $('token-form').onsubmit = (e) => {
      e.preventDefault();
      done($('token-input').value.trim() || null);
    };
    $('token-cancel').onclick = () => done(null);
    dialog.onclose = () => done(null); // Escape
  });
}

/**
 * The reads were refused: with no token (reads need one here), with the tab's token (wrong, or rotated away: 401), or
 * with a token that cannot read (403). The token is dropped and a new one asked for.
 */
function readsRefused(result) {
  if (state.asking || state.locked || state.leaving) return;
  const hadToken = sessionStorage.getItem(TOKEN_KEY) !== null;
  sessionStorage.removeItem(TOKEN_KEY);
  let error = null;
  if (hadToken) {
    error = result.status === 403 ? 'That token cannot read this dashboard; enter the read token or the API token.'
      : 'That token was refused; enter the right one.';
  }
  askReadToken(error);
}

/**
 * Asks for a token to read the page with; given one, keeps it for this tab and loads the page again with it. Cancelled,
 * the page says it needs a token and offers to enter one, and reads nothing meanwhile (no dialog comes back by itself).
 */
async function askReadToken(error) {
  state.locked = false;
  document.body.classList.add('locked'); // nothing was read: no empty sections behind the dialog that look like data
  $('locked').hidden = true;
  setState('locked', 'needs a token');
  const token = await askToken(error, 'read this dashboard', 'Open', true);
  if (token) {
    reloadWith(token);
    return;
  }
  state.locked = true;
  clearTimeout(state.timer);
  $('locked').hidden = false;
  $('locked-enter').focus();
}

/** "Use another token": the page loads again with it (and asks again should it be refused); cancelled, nothing changes. */
async function useAnotherToken() {
  const token = await askToken(null, 'read this dashboard (the API token also allows changes)', 'Use token', true);
  if (!token) return;
  reloadWith(token);
}

function forgetToken() {
  reloadWith(null);
}

/**
 * Loads the page again with this token (or none). The old page lives on until the new one arrives, which can take a
 * while on a busy machine: a refresh it sent with the new token and saw refused must not drop that token and ask again.
 */
function reloadWith(token) {
  state.leaving = true;
  clearTimeout(state.timer);
  setState('starting', 'loading again…');
  if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
}

/** What GET /access answered for the tab's token: read-only, or the token's mode with "Forget token", or nothing. */
function applyAccess(result) {
  if (result.status === 404) { // a service from before GET /access: the write controls stay, a write asks when it must
    state.accessKnown = true;
    document.body.classList.remove('access-pending');
    return;
  }
  if (result.status !== 200) return; // starting, or unreachable: asked again on the next refresh
  state.accessKnown = true;
  const access = result.body.data;
  const stored = sessionStorage.getItem(TOKEN_KEY) !== null;
  if (stored && !access.write) {
    enterReadOnly(null);
    return;
  }
  document.body.classList.remove('access-pending');
  if (!stored) { // anonymous: the write controls stay, and a write that needs the API token asks for it
    $('access').hidden = true;
    return;
  }
  $('access-badge').className = 'access-badge can-write';
  $('access-badge').textContent = access.token === 'api' ? 'API token' : 'Token: changes allowed';
  $('access-other').hidden = true;
  $('access-forget').hidden = false;
  $('access').hidden = false;
}

/**
 * The tab's token can read but not write: every write control leaves the page (not merely hidden), the header says so
 * and offers another token. note, when given, says why it happened (a change refused with 403).
 */
function enterReadOnly(note) {
  state.readOnly = true;
  document.body.classList.remove('access-pending');
  document.body.classList.add('read-only');
  if ($('schedule-dialog')?.open) $('schedule-dialog').close();
  for (const id of ['cleanup', 'add-schedule', 'schedule-dialog']) $(id)?.remove();
  for (const node of document.querySelectorAll('.card-actions, .write-control')) node.remove();
  if (state.channels.length === 0 && $('channels').querySelector('.channels-empty')) renderChannels([]);
  $('access-badge').className = 'access-badge read-only';
  $('access-badge').textContent = 'Read-only token: changes are disabled';
  $('access-other').hidden = false;
  $('access-forget').hidden = false;
  $('access').hidden = false;
  if (note) {
    $('access-note').textContent = note;
    $('access-note').hidden = false;
  }
}

function showCleanupResult(kind, ...content) {
  const box = $('cleanup-result');
  box.className = `result ${kind}`;
  box.replaceChildren(...content,
    el('button', {type: 'button', class: 'link dismiss', 'aria-label': 'Dismiss', onclick: () => { box.hidden = true; }}, '✕'));
  box.hidden = false;
}

function describeSweep(sweep) {
  const names = sweep.scriptNames || [];
  return [
    el('strong', {}, 'Clean-up done: '),
    el('span', {id: 'cleanup-total'}, sweep.totalLogsUpdated), sweep.totalLogsUpdated === 1 ? ' run' : ' runs',
    ' marked failed in ', el('span', {id: 'cleanup-scripts'}, sweep.scriptsAffected),
    sweep.scriptsAffected === 1 ? ' script' : ' scripts', names.length ? ` (${names.join(', ')})` : '', '. ',
    el('span', {class: 'muted'}, 'Default threshold: started before ', timeNode(sweep.thresholdDate),
      `; sweep ${sweep.sweepId}.`)];
}

/**
 * A change sent with the API token: on 401 it asks for the token, keeps it for this tab, and sends again. Resolves to
 * the API's answer, or null when the user cancelled instead of giving the token. A 403 with a token means the token
 * only reads: the page turns read-only, and the answer comes back marked readOnly.
 */
async function withToken(send, purpose, button) {
  state.writes += 1; // meanwhile a refused read is this change's business (it asks), not the refresh's
  try {
    let result = await send();
    while (result.status === 401) {
      if (state.leaving) return null; // the page is loading again with another token: not this page's business
      const current = sessionStorage.getItem(TOKEN_KEY);
      if (current !== null && current !== result.token) { // refused a token since replaced (another dialog gave one)
        result = await send();
        continue;
      }
      const hadToken = current !== null;
      sessionStorage.removeItem(TOKEN_KEY);
      state.accessKnown = false; // another token (or none): what it may do is asked again
      const token = await askToken(hadToken ? 'That token was refused; enter the right one.' : null, purpose, button);
      if (!token) return null;
      sessionStorage.setItem(TOKEN_KEY, token);
      result = await send();
    }
    if (result.status === 403 && result.body?.error?.code === 'forbidden' && result.token) {
      enterReadOnly('That token can only read: nothing was changed, and changes are disabled in this tab. '
        + 'To change anything, use the API token ("Use another token").');
      return {...result, readOnly: true};
    }
    return result;
  } finally {
    state.writes -= 1;
  }
}

/** "Clean up now": a manual sweep, with the token asked for when the service wants it. */
async function cleanup() {
  const button = $('cleanup');
  if (!button) return; // read-only
  button.disabled = true;
  showCleanupResult('pending', 'Cleaning up…');
  try {
    let result = await withToken(() => api('POST', 'script/cleanup-stale'), 'clean up', 'Clean up');
    if (!result) {
      showCleanupResult('error', 'Clean-up cancelled: it needs the API token.');
      return;
    }
    // a sweep that outlasts the server's wait answers 202 with where its result will be
    while (result.status === 202) {
      showCleanupResult('pending', `Sweep ${result.body.data.sweepId} is still running…`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      result = await api('GET', result.body.data.resultUrl.replace(/^\//, ''));
    }
    if (result.status === 200) showCleanupResult('done', ...describeSweep(result.body.data));
    else if (result.readOnly) showCleanupResult('error', 'Not cleaned up: this token can only read.');
    else showCleanupResult('error', `Clean-up failed: ${errorMessage(result)}`);
  } finally {
    button.disabled = false; // removed from the page if it turned read-only: harmless
    refresh();
  }
}

/**
 * "Send test" on a channel: one test message sent now, its outcome shown on the channel's card (kept there across
 * refreshes until the next test), the button disabled meanwhile; the card's summary follows on the next refresh.
 */
async function sendTest(name) {
  if (state.readOnly || state.tests.get(name)?.pending) return;
  state.tests.set(name, {pending: true});
  renderChannels(state.channels);
  let outcome;
  try {
    const result = await withToken(() => api('POST', `notifications/channels/${encodeURIComponent(name)}/test`),
      'send test messages', 'Send test');
    if (!result) outcome = {error: 'sending a test needs the API token.'};
    else if (result.status === 200) outcome = {result: result.body.data};
    else outcome = {error: errorMessage(result)};
  } catch (e) {
    outcome = {error: e.message || String(e)};
  }
  state.tests.set(name, {...outcome, time: new Date(now()).toISOString()});
  renderChannels(state.channels);
  if (!document.activeElement || document.activeElement === document.body) { // it lost the focus while disabled
    [...$('channels').querySelectorAll('.send-test')].find((b) => b.dataset.focus === `${name}\ntest`)?.focus();
  }
  refresh();
}

// ---------- schedules ----------

const SCHEDULE_FIELDS = {schedule: 'schedule-cron', timezone: 'schedule-timezone', startGrace: 'schedule-grace'};

function policyPath(name) {
  return `script/policies/${encodeURIComponent(name)}`;
}

/** Shows the API's error next to the form, on the field it names (its code is invalid_<field>) when there is one. */
function showScheduleError(text, code) {
  for (const id of Object.values(SCHEDULE_FIELDS)) $(id).removeAttribute('aria-invalid');
  $('schedule-error').textContent = text || '';
  $('schedule-error').hidden = !text;
  const input = $(SCHEDULE_FIELDS[(code || '').replace(/^invalid_/, '')] || '');
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

/** Opens the schedule form for a script (its current schedule filled in), or for one to name when none is given. */
async function openSchedule(name) {
  if (state.readOnly) return;
  const form = $('schedule-form');
  form.reset();
  showScheduleError(null);
  $('schedule-fields').disabled = false;
  $('schedule-save').disabled = false;
  $('schedule-script').readOnly = Boolean(name);
  $('schedule-script').value = name || '';
  $('schedule-title').textContent = name ? `Schedule of ${name}` : 'Add a schedule';
  $('schedule-remove').hidden = true;
  $('schedule-dialog').showModal();
  if (!name) {
    $('schedule-script').focus();
    return;
  }
  // its current settings first: nothing can be typed until they are in, so none of it is overwritten
  $('schedule-fields').disabled = true;
  $('schedule-save').disabled = true;
  const result = await api('GET', policyPath(name));
  if (!$('schedule-dialog').open || $('schedule-script').value !== name) return; // closed or reopened meanwhile
  $('schedule-fields').disabled = false;
  $('schedule-save').disabled = false;
  $('schedule-cron').focus();
  if (result.status !== 200) {
    showScheduleError(`Could not read its schedule: ${errorMessage(result)}`);
    return;
  }
  const policy = result.body.data;
  $('schedule-cron').value = policy.schedule || '';
  $('schedule-timezone').value = policy.schedule ? policy.timezone || '' : '';
  $('schedule-grace').value = policy.schedule ? policy.startGrace || '' : '';
  $('schedule-remove').hidden = !policy.schedule;
}

/** Sends a change of the form's script's policy; closes the form and refreshes the page once it is done. */
async function changeSchedule(change, button) {
  const name = $('schedule-script').value.trim();
  const buttons = [$('schedule-save'), $('schedule-remove')];
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const result = await withToken(() => api('PUT', policyPath(name), change), 'change schedules', button);
    if (result?.readOnly) {
      $('scripts-error').textContent = `Not saved: this token can only read, so the schedule of ${name} is unchanged.`;
      $('scripts-error').hidden = false;
    } else if (!result) {
      showScheduleError('Not saved: changing a schedule needs the API token.');
    } else if (result.status === 200) {
      $('schedule-dialog').close();
      refresh();
    } else {
      showScheduleError(errorMessage(result), result.body?.error?.code);
    }
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function saveSchedule(event) {
  event.preventDefault();
  const value = (id) => $(id).value.trim();
  if (!value('schedule-script')) {
    showScheduleError('Enter the name of the script.');
    $('schedule-script').focus();
    return;
  }
  if (!value('schedule-cron')) {
    showScheduleError('Enter a schedule, or remove it with "Remove schedule".', 'invalid_schedule');
    return;
  }
  // an empty field is sent as null: the API's default (UTC, 10 minutes)
  changeSchedule({schedule: value('schedule-cron'), timezone: value('schedule-timezone') || null,
    startGrace: value('schedule-grace') || null}, 'Save');
}

/** Removes what the schedule is made of (its timezone, grace and pause too); the script's max runtime stays. */
function removeSchedule() {
  changeSchedule({schedule: null, timezone: null, startGrace: null, paused: null}, 'Remove');
}

/** Pause or resume from a card: the card's badge shows the result on the refresh that follows. */
async function setPaused(name, paused) {
  if (state.readOnly) return;
  const verb = paused ? 'pause' : 'resume';
  const result = await withToken(() => api('PUT', policyPath(name), {paused}), `${verb} schedules`,
    paused ? 'Pause' : 'Resume');
  if (result && result.status === 200) {
    $('scripts-error').hidden = true;
  } else {
    $('scripts-error').textContent = result
      ? `Could not ${verb} ${name}: ${errorMessage(result)}`
      : `Not done: to ${verb} ${name} the page needs the API token.`;
    $('scripts-error').hidden = false;
  }
  refresh();
}

function fillTimezones() {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch (e) {
    zones = []; // an older browser: the field still takes any name, the API checks it
  }
  $('timezones').replaceChildren(...['UTC', ...zones.filter((z) => z !== 'UTC')].map((z) => el('option', {value: z})));
}

function init() {
  $('zone').textContent = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';
  $('refresh-seconds').textContent = refreshSeconds;
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilters();
  });
  $('filters').addEventListener('reset', () => setTimeout(applyFilters)); // after the form has cleared its fields
  $('filter-status').addEventListener('change', applyFilters);
  $('filter-limit').addEventListener('change', applyFilters);
  $('next-page').addEventListener('click', () => {
    if (!state.nextCursor) return;
    state.cursors = state.cursors.slice(0, state.page + 1).concat(state.nextCursor);
    state.page += 1;
    loadRuns();
  });
  $('prev-page').addEventListener('click', () => {
    state.page = Math.max(0, state.page - 1);
    loadRuns();
  });
  $('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (e) => e.key === 'Escape' && !$('token-dialog').open
    && !$('schedule-dialog')?.open && closeDetail()); // no schedule dialog at all once read-only
  $('cleanup').addEventListener('click', cleanup);
  fillTimezones();
  $('add-schedule').addEventListener('click', () => openSchedule(null));
  $('schedule-form').addEventListener('submit', saveSchedule);
  $('schedule-remove').addEventListener('click', removeSchedule);
  $('schedule-cancel').addEventListener('click', () => $('schedule-dialog').close());
  $('access-other').addEventListener('click', useAnotherToken);
  $('access-forget').addEventListener('click', forgetToken);
  $('locked-enter').addEventListener('click', () => askReadToken(null));
  document.addEventListener('visibilitychange', () => !document.hidden && refresh());
  state.filters = {limit: $('filter-limit').value};
  refresh();
}

init();
