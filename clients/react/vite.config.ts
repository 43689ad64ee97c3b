// Vite: `npm run dev` serves src/ with instant reloads; `npm run build` writes dist/, plain
// static files (index.html, one JavaScript and one CSS file) that any web server can serve.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // Relative asset paths, so dist/ works wherever it is served from: a folder of its own, or
  // a sub-path beside the service.
  base: "./",
  // Only variables named VITE_* reach the bundle, and every one of them is readable by anyone
  // who opens the page: never put a secret (API_KEY) in one.
  envPrefix: "VITE_",
});
