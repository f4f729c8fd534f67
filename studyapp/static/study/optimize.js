// Settings page: while the optimizer runs, ask for its status every 2 s and reload once it has finished.
(function () {
  const note = document.getElementById("optimize-progress");
  if (!note) return;
  const poll = () => fetch(note.dataset.statusUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then((response) => (response.ok ? response.json() : null))
    .then((run) => {
      if (run && run.status !== "queued" && run.status !== "running") window.location.reload();
      else setTimeout(poll, 2000);
    })
    .catch(() => setTimeout(poll, 5000));
  setTimeout(poll, 2000);
})();
