/** What to explain: targets (class logit, probability, binary, region, custom) and their gradients (seeds). */
package dev.gradcam.api.target;
