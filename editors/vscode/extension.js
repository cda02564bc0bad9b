// Starts `modelc lsp` (the path in the setting modelc.path) for .model files and connects
// VS Code's language client to it over standard input and output.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

async function activate(context) {
  const command = vscode.workspace.getConfiguration("modelc").get("path") || "modelc";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient("modelc", "modelc", { run: server, debug: server }, {
    documentSelector: [{ language: "model" }],
  });
  await client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
