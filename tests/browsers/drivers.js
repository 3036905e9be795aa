// The three browser engines a volunteer may have, each driven through
// WebDriver by selenium-webdriver: Chromium (Debian's chromium-driver),
// Firefox (Debian's firefox-esr with geckodriver from crates.io) and WebKit
// (WebKitGTK's MiniBrowser through Debian's webkit2gtk-driver, under Xvfb
// because WebKitGTK has no headless mode). scripts/setup.sh installs all of
// them; nothing here downloads a browser or a driver.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Builder, By, Key, until } from 'selenium-webdriver';

/// The phone the tests pretend to be: a 360 px wide screen.
export const PHONE = { width: 360, height: 740 };

const CARGO_BIN = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin');
const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/// How each engine's driver is started and which capabilities open a fresh
/// browser with its own empty profile, downloading into `downloads`.
export const ENGINES = {
  chromium: {
    driver: (port) => [process.env.CHROMEDRIVER ?? '/usr/bin/chromedriver', [`--port=${port}`]],
    capabilities: (downloads) => ({
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: process.env.CHROMIUM ?? '/usr/bin/chromium',
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--lang=en-US',
          `--window-size=${PHONE.width},${PHONE.height}`,
        ],
        // Chromium's windows are at least 500 px wide; its phone emulation
        // gives the page a 360 px screen, as on a phone.
        mobileEmulation: { deviceMetrics: { ...PHONE, pixelRatio: 1, touch: true } },
        prefs: {
          'download.default_directory': downloads,
          'download.prompt_for_download': false,
        },
      },
    }),
  },
  firefox: {
    driver: (port) => [process.env.GECKODRIVER ?? join(CARGO_BIN, 'geckodriver'), ['--port', String(port)]],
    popup: true,
    capabilities: (downloads) => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
        args: ['-headless'],
        prefs: {
          'intl.accept_languages': 'en-US',
          // The phone-sized window is a popup (see `openPhone`).
          'dom.disable_open_during_load': false,
          // Save a download into `downloads` without asking where.
          'browser.download.folderList': 2,
          'browser.download.dir': downloads,
          'browser.download.useDownloadDir': true,
          'browser.download.always_ask_before_handling_new_types': false,
          'browser.helperApps.neverAsk.saveToDisk': 'application/octet-stream,application/age',
          'browser.download.manager.showWhenStarting': false,
        },
      },
    }),
  },
  webkit: {
    popup: true,
    // MiniBrowser saves a download into the XDG download folder, which is
    // the home folder when that has no Downloads folder; a home of its own
    // also gives each run an empty profile.
    env: (downloads) => ({ HOME: downloads }),
    // xvfb-run gives MiniBrowser a display of its own and removes it again.
    driver: (port) => [
      'xvfb-run',
      ['-a', '-s', '-screen 0 1280x1024x24', process.env.WEBKITWEBDRIVER ?? 'WebKitWebDriver', `--port=${port}`],
    ],
    capabilities: () => ({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: MINIBROWSER,
        args: [
          '--automation',
          // WebKitGTK ships the Storage API switched off, while Safari has
          // it on (iOS 17 and later): switched on here, the app sees what it
          // sees on an iPhone.
          '--features=+StorageAPI,+StorageAPIEstimate',
          // The phone-sized window is a popup (see `openPhone`).
          '--javascript-can-open-windows-automatically=true',
        ],
      },
    }),
  },
};

/// A free TCP port of 127.0.0.1 for a driver to listen on.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/// Starts `engine`'s driver and, through it, a fresh browser. The driver runs in a
/// process group of its own, so that closing it also ends Xvfb and the
/// browser when a test fails half-way.
export async function startBrowser(engine, downloads) {
  const spec = ENGINES[engine];
  const port = await freePort();
  const [command, args] = spec.driver(port);
  const log = [];
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...spec.env?.(downloads) },
  });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  const stopDriver = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  try {
    const server = `http://127.0.0.1:${port}`;
    // The driver answers /status once it listens.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${server}/status`)).ok) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`${engine}: the driver did not start:\n${log.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const driver = await new Builder().usingServer(server).withCapabilities(spec.capabilities(downloads)).build();
    return {
      driver,
      log,
      async quit() {
        try {
          await driver.quit();
        } finally {
          stopDriver();
        }
      },
    };
  } catch (error) {
    stopDriver();
    throw error;
  }
}

/// Opens `url` in a window whose page is 360 px wide and switches to it.
/// Chromium emulates a phone's screen. Firefox's windows are at least 500 px
/// wide and MiniBrowser's no narrower than its toolbar (447 px), so in those
/// two the app runs in a 360 px popup without a toolbar: still a top-level
/// page of the same origin, with the same storage and service worker.
export async function openPhone(driver, engine, url) {
  if (ENGINES[engine].popup) {
    await driver.get('about:blank');
    const before = await driver.getAllWindowHandles();
    await driver.executeScript(
      `window.open(arguments[0], 'phone', 'popup,width=${PHONE.width},height=${PHONE.height},toolbar=no,location=no,menubar=no')`,
      url,
    );
    await driver.wait(async () => (await driver.getAllWindowHandles()).length > before.length, 10_000);
    const popup = (await driver.getAllWindowHandles()).find((h) => !before.includes(h));
    await driver.switchTo().window(popup);
  } else {
    await driver.get(url);
  }
  await waitReady(driver);
}

/// Waits until the app has started (it marks `main` once the wasm runs). On
/// this shared two-core machine a cold start of the debug build can take a
/// while, hence the long limit.
export async function waitReady(driver) {
  await driver.wait(until.elementLocated(By.css('main[data-ready]')), 120_000);
}

const literal = (text) => (text.includes("'") ? `concat('${text.split("'").join(`', "'", '`)}')` : `'${text}'`);

/// The control that the label `text` names, inside `scope` (the page when
/// left out): how a person finds a question. A label may end with a
/// required mark, so a label that starts with the text counts too.
export async function byLabel(scope, text) {
  const t = literal(text);
  const labels = await scope.findElements(
    By.xpath(`.//label[normalize-space(.)=${t}] | .//label[starts-with(normalize-space(.), ${t})]`),
  );
  if (labels.length === 0) throw new Error(`no label "${text}"`);
  const id = await labels[0].getAttribute('for');
  if (!id) throw new Error(`the label "${text}" names no control`);
  const driver = scope.getDriver ? scope.getDriver() : scope;
  return driver.findElement(By.id(id));
}

/// The element with role `role` (a button, a link or a heading) whose text
/// is exactly `text`.
export function byRole(driver, role, text) {
  const t = literal(text);
  const tags = { button: 'button', link: 'a', heading: '*[self::h1 or self::h2 or self::h3]' }[role];
  return driver.wait(until.elementLocated(By.xpath(`//${tags}[normalize-space(.)=${t}]`)), 60_000);
}

/// Waits until some element matched by `css` shows `text` in its text.
export async function waitText(driver, css, text, timeout = 60_000) {
  await driver.wait(async () => {
    for (const element of await driver.findElements(By.css(css))) {
      try {
        if ((await element.getText()).includes(text)) return true;
      } catch {
        // Replaced while being read: try again.
      }
    }
    return false;
  }, timeout, `no ${css} shows "${text}"`);
}

/// Taps `element` as a person would: brought to the middle of the screen
/// first, because the app's header and page buttons stick to the screen's
/// edges and WebDriver scrolls an element only just into view, under them.
export async function tap(driver, element) {
  const target = await element;
  await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", target);
  await target.click();
}

/// Sets the value of a date, time or date-and-time control as its picker
/// would, with the events the picker sends. Each engine's picker is its own
/// widget that WebDriver's key presses reach differently (or not at all, in
/// WebKitGTK), while what the app reads is the value and the events.
export function pick(driver, element, value) {
  return driver.executeScript(
    `const e = arguments[0];
     e.value = arguments[1];
     e.dispatchEvent(new Event('input', { bubbles: true }));
     e.dispatchEvent(new Event('change', { bubbles: true }));`,
    element,
    value,
  );
}

/// Runs `body` (the text of an async function) in the page and returns what
/// it resolves to.
export function inPage(driver, body, ...args) {
  return driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     (async (...args) => { ${body} })(...Array.from(arguments).slice(0, -1))
       .then(done, (e) => done({ error: String(e) }));`,
    ...args,
  );
}

export { By, Key, until };
