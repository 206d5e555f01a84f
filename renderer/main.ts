// The renderer's entry: connects to the lab (lab-connection.ts) and mounts the app. The page
// URL's token has been traded for a cookie by the first request: drop it from the address bar.
import { createApp } from "vue";
import "@vue-flow/core/dist/style.css";
import "@xterm/xterm/css/xterm.css";
import "./styles.css";
import { App } from "./components/App";
import { LAB_CLIENT } from "./composables/lab-client";
import { connectLab } from "./lab-connection";

if (location.search.includes("token=")) history.replaceState(null, "", location.pathname);
createApp(App).provide(LAB_CLIENT, connectLab()).mount("#app");
