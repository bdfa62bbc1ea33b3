// OnRamp's live front desk: the queue page and the waiting-room board follow every change
// within a second or two. The server announces a new version over server-sent events; when
// those cannot get through (an old browser, a proxy that buffers) the page asks for the version
// every two seconds instead. On a new version the page fetches its list again and swaps it in.
// Without this script every page still works: it is plain forms and links.
(function () {
  "use strict";

  var POLL_MS = 1000;
  var REFRESH_MS = 60000; // waiting times move on even when nothing happens

  function Live(region) {
    this.region = region;
    this.version = region.getAttribute("data-version") || "";
    this.liveURL = region.getAttribute("data-live");
    this.listURL = region.getAttribute("data-list");
    this.state = document.getElementById("live-state");
    this.pending = false;
    this.loading = false;
    this.poller = null;
    this.source = null;
    this.onSwap = null;
  }

  Live.prototype.start = function () {
    var self = this;
    if (window.EventSource) {
      this.connect();
    } else {
      this.startPolling();
    }
    // A form being filled in is never replaced under the user's hands: the swap waits until
    // the focus leaves the list.
    this.region.addEventListener("focusout", function () {
      setTimeout(function () {
        if (self.pending && !self.busy()) self.refresh();
      }, 0);
    });
    setInterval(function () { self.refresh(); }, REFRESH_MS);
  };

  Live.prototype.connect = function () {
    var self = this;
    var es = new EventSource(this.liveURL);
    this.source = es;
    es.onmessage = function (e) {
      self.stopPolling();
      self.seen(e.data);
    };
    es.onopen = function () {
      self.stopPolling();
      self.say("");
    };
    es.onerror = function () {
      // EventSource retries by itself; meanwhile, and if it gives up, poll.
      self.startPolling();
      if (es.readyState === EventSource.CLOSED) {
        setTimeout(function () { self.connect(); }, 10000);
      }
    };
  };

  Live.prototype.startPolling = function () {
    var self = this;
    if (this.poller) return;
    this.poller = setInterval(function () { self.poll(); }, POLL_MS);
    this.poll();
  };

  Live.prototype.stopPolling = function () {
    if (this.poller) {
      clearInterval(this.poller);
      this.poller = null;
    }
  };

  Live.prototype.poll = function () {
    var self = this;
    fetch(this.liveURL, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401 || r.status === 404) { location.reload(); return null; }
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (j) {
        if (j) { self.say(""); self.seen(String(j.version)); }
      })
      .catch(function () { self.say(self.region.getAttribute("data-offline") || ""); });
  };

  Live.prototype.say = function (text) {
    if (this.state && this.state.textContent !== text) this.state.textContent = text;
  };

  Live.prototype.seen = function (v) {
    if (v && v !== this.version) {
      this.refresh(v);
    }
  };

  // busy: the user is typing or choosing in the list.
  Live.prototype.busy = function () {
    var a = document.activeElement;
    if (!a || !this.region.contains(a)) return false;
    var tag = a.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (a.closest && a.closest("details[open]") !== null);
  };

  Live.prototype.refresh = function (v) {
    var self = this;
    if (this.busy()) { this.pending = true; return; }
    if (this.loading) { this.pending = true; return; }
    this.loading = true;
    this.pending = false;
    fetch(this.listURL + location.search, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 401 || r.status === 404) { location.reload(); return null; }
        if (!r.ok) throw new Error(r.status);
        return r.text();
      })
      .then(function (html) {
        self.loading = false;
        if (html === null) return;
        if (v) self.version = v;
        if (self.busy()) { self.pending = true; return; }
        self.region.innerHTML = html;
        self.region.setAttribute("data-version", self.version);
        if (self.onSwap) self.onSwap();
        if (self.pending) self.refresh();
      })
      .catch(function () {
        self.loading = false;
        self.say(self.region.getAttribute("data-offline") || "");
      });
  };

  // The chime: two soft tones made on the spot with Web Audio, no sound file. Browsers allow
  // sound only after a click on the page, hence the sound button on the board.
  var audio = null;
  function chime() {
    if (!audio) return;
    var t = audio.currentTime;
    [[659.25, 0], [523.25, 0.45]].forEach(function (n) {
      var o = audio.createOscillator();
      var g = audio.createGain();
      o.type = "sine";
      o.frequency.value = n[0];
      g.gain.setValueAtTime(0.0001, t + n[1]);
      g.gain.exponentialRampToValueAtTime(0.35, t + n[1] + 0.04);
      g.gain.exponentialRampToValueAtTime(0.0001, t + n[1] + 1.1);
      o.connect(g);
      g.connect(audio.destination);
      o.start(t + n[1]);
      o.stop(t + n[1] + 1.2);
    });
  }

  function setupBoard(live) {
    var board = live.region;
    var button = document.getElementById("sound");
    var want = localStorage.getItem("onramp.board.sound") === "on";
    var label = function () {
      if (!button) return;
      var on = audio && audio.state === "running";
      button.textContent = button.getAttribute(on ? "data-on" : "data-off");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    };
    var enable = function () {
      var AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return;
      if (!audio) audio = new AC();
      if (audio.state !== "running") audio.resume().then(label, label);
      label();
    };
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (audio && audio.state === "running") {
          audio.suspend().then(label);
          localStorage.setItem("onramp.board.sound", "off");
        } else {
          enable();
          localStorage.setItem("onramp.board.sound", "on");
          chime();
        }
      });
    }
    if (want) enable(); // allowed where the kiosk browser permits sound without a click
    label();
    var signature = function () {
      var el = board.querySelector("[data-signature]");
      return el ? el.getAttribute("data-signature") : "";
    };
    var last = signature();
    live.onSwap = function () {
      var now = signature();
      if (now && now !== last) {
        chime();
        board.querySelectorAll("[data-called-at]").forEach(function (el) {
          el.classList.add("fresh");
          setTimeout(function () { el.classList.remove("fresh"); }, 12000);
        });
      }
      last = now;
      clock();
    };
    // The clock in the corner of the board.
    var clockEl = document.getElementById("board-clock");
    var clock = function () {
      if (!clockEl) return;
      var d = new Date();
      try {
        // The clinic's time, whatever zone the TV's computer is set to.
        clockEl.textContent = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false,
          timeZone: clockEl.getAttribute("data-zone") || undefined }).format(d);
      } catch (e) {
        var pad = function (n) { return (n < 10 ? "0" : "") + n; };
        clockEl.textContent = pad(d.getHours()) + ":" + pad(d.getMinutes());
      }
    };
    clock();
    setInterval(clock, 10000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var region = document.querySelector("[data-live]");
    if (region) {
      var live = new Live(region);
      if (region.hasAttribute("data-board")) setupBoard(live);
      live.start();
    }
    // Buttons that end something for many patients ask first.
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
    // Reminder messages: one click selects the whole text, ready to copy.
    document.querySelectorAll("textarea[data-copy]").forEach(function (t) {
      t.addEventListener("focus", function () { t.select(); });
    });
  });
})();
