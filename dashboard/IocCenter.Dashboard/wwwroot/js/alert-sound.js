// The console's alert sound: a critical or major incident that is open (nobody acknowledged it) sounds when it arrives
// and again every 30 s (critical) or 60 s (major) until each one is acknowledged or resolved, by anyone. WebAudio
// tones, no audio files. A browser lets a page play sound only after a gesture on that page, so the header control
// unlocks it (and so does their first click anywhere on the page, unless they muted it on this page); an
// alert that could not sound makes the control pulse instead.
window.IocAlertSound = (() => {
  const repeatMs = { critical: 30_000, major: 60_000 };
  // Critical: four short alternating high tones; major: two lower, longer ones.
  const tones = {
    critical: [[1175, 0], [1568, 0.16], [1175, 0.32], [1568, 0.48]].map(([hz, at]) => ({ hz, at, length: 0.13 })),
    major: [[659, 0], [659, 0.4]].map(([hz, at]) => ({ hz, at, length: 0.25 })),
  };

  /** control: the header button; text: its words ({ on, off, lockedTitle, onTitle, missedTitle }). */
  function create({ control, text }) {
    const open = new Map(); // incident id → severity, the open critical and major incidents
    const fresh = new Set(); // those not yet sounded on this page
    let audio = null;
    // A mute lasts for this page only: the next shift (or a reload) starts with sound again, after its first click.
    let muted = false;
    let lastSoundAt = 0;
    let missed = false;

    const enabled = () => audio !== null && !muted;

    function show() {
      control.textContent = enabled() ? text.off : text.on;
      control.title = enabled() ? text.onTitle : missed ? text.missedTitle : text.lockedTitle;
      control.classList.toggle('enabled', enabled());
      control.classList.toggle('attention', missed && !enabled());
    }

    // Only inside a gesture's handler: that is when the browser lets the context run.
    function unlock() {
      if (!audio) {
        const Context = window.AudioContext || window.webkitAudioContext;
        if (!Context) return;
        audio = new Context();
      }
      audio.resume?.();
    }

    function play(level) {
      const start = audio.currentTime + 0.02;
      for (const tone of tones[level]) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.type = level === 'critical' ? 'square' : 'sine';
        oscillator.frequency.value = tone.hz;
        const at = start + tone.at, end = at + tone.length;
        gain.gain.setValueAtTime(0, at);
        gain.gain.linearRampToValueAtTime(level === 'critical' ? 0.12 : 0.2, at + 0.01);
        gain.gain.setValueAtTime(level === 'critical' ? 0.12 : 0.2, end - 0.03);
        gain.gain.linearRampToValueAtTime(0, end);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(at);
        oscillator.stop(end);
      }
    }

    // Sounds what is due: at once for an incident not sounded yet, else when the highest open level's interval passed.
    function check() {
      let level = null, news = false;
      for (const [id, severity] of open) {
        if (severity === 'critical' || !level) level = severity;
        if (fresh.has(id)) news = true;
      }
      control.dataset.alert = level ?? '';
      if (!level) { missed = false; show(); return; }
      const now = Date.now();
      if (!news && now - lastSoundAt < repeatMs[level]) return;
      fresh.clear();
      lastSoundAt = now;
      if (enabled()) play(level); else missed = true;
      show();
    }

    function track(incident) {
      // An incident raised during maintenance is planned work: recorded, but it does not sound.
      if (repeatMs[incident.severity] && incident.state === 'open' && !incident.maintenanceId) {
        if (!open.has(incident.id)) fresh.add(incident.id);
        open.set(incident.id, incident.severity);
      } else {
        open.delete(incident.id);
        fresh.delete(incident.id);
      }
    }

    control.addEventListener('click', () => {
      if (enabled()) { muted = true; show(); return; }
      muted = false;
      unlock();
      missed = false;
      lastSoundAt = 0; // what is open sounds now: the officer hears that it works, and why
      show();
      check();
    });
    // The person did not mute: their first click or key on the page unlocks the sound too.
    const firstGesture = event => {
      if (muted || control.contains(event.target)) return;
      unlock();
      document.removeEventListener('pointerdown', firstGesture, true);
      document.removeEventListener('keydown', firstGesture, true);
      show();
      if (missed) { lastSoundAt = 0; missed = false; check(); }
    };
    document.addEventListener('pointerdown', firstGesture, true);
    document.addEventListener('keydown', firstGesture, true);
    setInterval(check, 1000);
    show();

    return {
      /** The live feed's snapshot: every unresolved incident (those already sounded on this page stay quiet until due). */
      replace(incidents) {
        const seen = new Set(open.keys());
        open.clear();
        for (const i of incidents) { track(i); if (seen.has(i.id)) fresh.delete(i.id); }
        check();
      },
      /** One incident's change from the live feed. */
      update(incident) { track(incident); check(); },
    };
  }

  return { create };
})();
