// Upload progress for the picture forms (issue 16). A form marked data-upload-progress
// sends its file with XMLHttpRequest (fetch cannot report upload progress) and fills its
// <progress> bar and status line while the bytes go up; the server answers with where the
// plain form would have gone (`location`), and the page goes there, so every outcome shows
// the same notice as without JavaScript. Without JavaScript, or on any surprise, the form
// posts as a plain form. Kept apart from the wasm bundle: a few hundred bytes, loaded only
// by pages with an upload form.
if (!window.wellspringUploads) {
  window.wellspringUploads = true;
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-progress")) return;
    const bar = form.querySelector("progress");
    const status = form.querySelector("[data-upload-status]");
    const button = form.querySelector("button[type=submit]");
    if (!bar || !status || !window.FormData) return;
    event.preventDefault();
    const say = (words) => { status.textContent = words; };
    const fail = (words) => {
      bar.hidden = true;
      if (button) button.disabled = false;
      say(words);
    };
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      bar.max = e.total;
      bar.value = e.loaded;
      say(`Uploading… ${Math.floor((e.loaded * 100) / e.total)}%`);
    };
    xhr.upload.onload = () => {
      bar.removeAttribute("value");
      say("Uploaded. Preparing your picture…");
    };
    xhr.onload = () => {
      let reply = {};
      try { reply = JSON.parse(xhr.responseText); } catch (_) { /* not ours: say so below */ }
      const where = reply.location;
      if (typeof where === "string" && where.startsWith("/") && !where.startsWith("//")) {
        window.location.assign(where);
      } else {
        fail(reply.error || "Something went wrong on our side. Please try again.");
      }
    };
    xhr.onerror = () => fail("We couldn't reach Wellspring. Please check your connection and try again.");
    if (button) button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    say("Uploading…");
    xhr.send(new FormData(form));
  });
}
